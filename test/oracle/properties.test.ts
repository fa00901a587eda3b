import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { deviceProperties, objectProperties } from '../../server/src/simulator/properties';
import { qemuBinary, qemuVersion } from './qemu-runner';
import { reportMissingQemu } from './environment';

/**
 * The property lists the simulator checks `-device`, `-global` and `-object` against, asked of the
 * installed QEMU again: `-device DRIVER,help` and `-object TYPE,help` print every property the
 * driver or type takes. The lists are QEMU 10.0's; another QEMU 10.0.x must give the same.
 */
const binary = qemuBinary();
const version = /version (\d+\.\d+)/.exec(qemuVersion(binary) ?? '')?.[1];
const skip = version === undefined ? 'no QEMU' : version !== '10.0' ? `QEMU ${version}, the lists are 10.0's` : false;
if (version === undefined) reportMissingQemu('property lists', binary, 'the property-list check');

function propertiesOf(option: '-device' | '-object', name: string): string[] | undefined {
  const result = spawnSync(binary, [option, `${name},help`], { encoding: 'utf8', timeout: 10_000 });
  const lines = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n');
  if (!lines[0]?.startsWith(`${name} options:`)) return undefined;
  return lines.filter((line) => line.startsWith('  ')).map((line) => line.trim().replace(/=.*$/, '')).sort();
}

test('device property lists are QEMU 10.0\'s', { skip }, () => {
  for (const [driver, known] of Object.entries(deviceProperties)) {
    assert.deepEqual([...known].sort(), propertiesOf('-device', driver), driver);
  }
});

test('object property lists are QEMU 10.0\'s', { skip }, () => {
  for (const [type, known] of Object.entries(objectProperties)) {
    // memory-backend-epc needs an SGX host to answer.
    if (type === 'memory-backend-epc') continue;
    assert.deepEqual([...known].sort(), propertiesOf('-object', type), type);
  }
});
