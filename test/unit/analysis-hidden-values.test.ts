import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/analysis';
import { hoverAt } from '../../server/src/features/hover';

/**
 * A value hidden by an unresolved shell expansion (MS906) makes findings that rest on it guesses:
 * the pipeline withholds rule findings (MS0xx) inside the option that holds the MS906, names them
 * on the MS906 finding, and marks the verdict uncertain.
 */
const hiddenMaxmem = `qemu-system-x86_64 -accel kvm -M q35 -m 4G,slots=4,maxmem=$MAX \\
  -object memory-backend-ram,id=m0,size=1G -device pc-dimm,id=d0,memdev=m0
`;

test('maxmem=$MAX: no MS005 "it is not set"; MS906 names the withheld code; the verdict is uncertain', () => {
  const [machine] = analyzeText(hiddenMaxmem, { path: 'vm.sh' }).machines;
  const codes = machine.findings.map((finding) => finding.code);
  assert.ok(!codes.includes('MS005'), codes.join(','));
  const ms906 = machine.findings.filter((finding) => finding.code === 'MS906');
  assert.equal(ms906.length, 1);
  assert.equal(ms906[0].message, "$MAX has no value known in this script, so the value of 'maxmem' is unknown; memslot cannot judge MS005 here until $MAX is known");
  assert.deepEqual(machine.uncertain, ['$MAX hides maxmem']);
});

test('the same machine with maxmem written keeps MS005 when it applies, and is certain', () => {
  // maxmem=4G equals the RAM: QEMU refuses -m (docs/facts/x86-address-space.md#memory-option-checks), MS005 explains it as a fact.
  const [machine] = analyzeText(hiddenMaxmem.replace('$MAX', '4G'), { path: 'vm.sh' }).machines;
  assert.ok(machine.findings.some((finding) => finding.code === 'MS005'));
  assert.deepEqual(machine.uncertain, []);
});

test('findings outside the option with the hidden value stay', () => {
  // The hidden value is an unused backend's size; maxmem=4G equals the RAM, so MS005 on -m is a fact.
  const text = `qemu-system-x86_64 -accel kvm -M q35 -m 4G,slots=4,maxmem=4G \\
  -object memory-backend-ram,id=m0,size=1G -device pc-dimm,id=d0,memdev=m0 \\
  -object memory-backend-ram,id=m1,size=$SIZE
`;
  const [machine] = analyzeText(text, { path: 'vm.sh' }).machines;
  assert.ok(machine.findings.some((finding) => finding.code === 'MS005'));
  assert.deepEqual(machine.uncertain, ['$SIZE hides size']);
  // No rule finding touches the -object m1 option, so the MS906 message has no suffix.
  assert.equal(machine.findings.find((finding) => finding.code === 'MS906')?.message, "$SIZE has no value known in this script, so the value of 'size' is unknown");
});

test('hover on the invocation says the verdict is uncertain', () => {
  const analysis = analyzeText(hiddenMaxmem, { path: 'vm.sh' });
  const hover = hoverAt(analysis, { line: 0, character: 3 });
  assert.ok(hover, 'a hover on the binary');
  assert.match(JSON.stringify(hover), /uncertain: \$MAX hides maxmem/);
});
