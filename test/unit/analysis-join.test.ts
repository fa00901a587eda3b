import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFindings, analyzeText, internalErrorCode, runGuarded } from '../../server/src/analysis';
import type { Finding } from '../../server/src/model/findings';
import { makeRange } from '../../server/src/model/range';

test('XML whose root is not <domain> is not ours: no kind, nothing reported', () => {
  const analysis = analyzeText('<?xml version="1.0"?>\n<project><domain/></project>\n', { languageId: 'xml', path: 'pom.xml' });
  assert.equal(analysis.kind, undefined);
  assert.deepEqual(analysis.machines, []);
  assert.deepEqual(analysis.findings, []);
});

test('the front end is chosen from the language id and the file name', () => {
  assert.equal(analyzeText('qemu-system-x86_64 -m 1G', { languageId: 'qemu-args' }).kind, 'qemu-args');
  assert.equal(analyzeText('qemu-system-x86_64 -m 1G', { path: '/x/vm.sh' }).kind, 'shell');
  assert.equal(analyzeText("<domain type='kvm'/>", { path: '/x/vm.xml' }).kind, 'libvirt-xml');
});

test('never throws on garbage', () => {
  const inputs = ['', '\u0000\uffff\ud800', '"'.repeat(10_000), `qemu-system-x86_64 ${"'".repeat(3)}`, '<domain', '<domain>'.repeat(1000)];
  for (const text of inputs) {
    for (const hint of [{ languageId: 'shellscript' }, { languageId: 'qemu-args' }, { languageId: 'xml' }, {}]) {
      const analysis = analyzeText(text, hint);
      assert.ok(Array.isArray(analysis.machines));
      assert.ok(Array.isArray(allFindings(analysis)));
    }
  }
});

test('a crashing step becomes an internal-error finding on the given range, and yields undefined', () => {
  const findings: Finding[] = [];
  const range = makeRange(3, 0, 9, 12);
  const result = runGuarded('simulating the machine', range, findings, () => { throw new Error('boom'); });
  assert.equal(result, undefined);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].code, internalErrorCode);
  assert.equal(findings[0].severity, 'error');
  assert.deepEqual(findings[0].range, range);
  assert.match(findings[0].message, /simulating the machine: boom/);
  assert.equal(runGuarded('a step that works', range, findings, () => 42), 42);
  assert.equal(findings.length, 1);
});
