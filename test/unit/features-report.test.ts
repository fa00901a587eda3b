import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/analysis';
import { buildReport } from '../../server/src/features/report';
import { lineOf, scriptLines, scriptText } from './features-fixtures';

test('the report carries the plug steps, the refused step, the device table, the host and the findings', () => {
  const report = buildReport(analyzeText(scriptText, { path: 'vm.sh' }), 'file:///vm.sh', 3, (code) => `doc:${code}`);
  assert.equal(report.uri, 'file:///vm.sh');
  assert.equal(report.version, 3);
  assert.equal(report.kind, 'shell');
  const [machine] = report.machines;
  assert.equal(machine.outcome, 'refused');
  assert.equal(machine.refusedBy, 'fs0');
  const labels = machine.steps.map((step) => step.label);
  const vm0 = labels.findIndex((label) => label.startsWith('vm0'));
  const fs0 = labels.findIndex((label) => label.startsWith('fs0'));
  assert.ok(vm0 >= 0 && vm0 < fs0, `vm0 before fs0: ${labels.join(', ')}`);
  assert.equal(machine.refusedStep, machine.steps[fs0].step);
  assert.equal(machine.steps[fs0].result, 'refused');
  assert.equal(machine.steps[fs0].range?.start.line, lineOf(scriptLines, '-device vhost-user-fs-pci'));
  assert.ok(machine.steps[vm0].explanations.length > 0);
  assert.deepEqual(machine.devices.map((device) => [device.id, device.memslots, device.memslotSizeBytes, device.mapped]), [['vm0', 64, 2 ** 30, 0]]);
  assert.ok(machine.host.some((row) => row.name.includes('/tmp/vu.sock') && row.source === 'directive' && row.value === '32'));
  assert.ok(machine.consumers.some((row) => row.kind === 'kvm' && row.limit === 32764));
  const ms001 = machine.findings.find((finding) => finding.code === 'MS001');
  assert.equal(ms001?.docUrl, 'doc:MS001');
  assert.equal(ms001?.related.length, 1);
  assert.ok(machine.plugOrder.length >= 2);
  // Plain data: it survives JSON unchanged (it crosses the LSP wire).
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});
