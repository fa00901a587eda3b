import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFindings, analyzeText } from '../../server/src/analysis';
import { applyProfileOptions, defaultHostProfile, findVhostUserRule, parseProfileOptions } from '../../server/src/simulator';
import { lineOf, scriptLines, scriptText } from './features-fixtures';

const settings509 = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user', '/tmp/vu.sock=509']).overrides, 'settings');

test('the file directive wins over settings or CLI: the machine is simulated with the directive\'s limit', () => {
  const analysis = analyzeText(scriptText, { path: 'vm.sh' }, { profile: settings509 });
  const [machine] = analysis.machines;
  assert.equal(findVhostUserRule(machine.profile, '/tmp/vu.sock', undefined)?.source, 'directive');
  assert.equal(machine.simulation?.outcome, 'refused');
  assert.ok(machine.findings.some((finding) => finding.code === 'MS001'));
});

test('without the directive, the settings layer decides', () => {
  const text = scriptText.replace('# memslot: --vhost-user /tmp/vu.sock=32', '#');
  const [machine] = analyzeText(text, { path: 'vm.sh' }, { profile: settings509 }).machines;
  assert.equal(findVhostUserRule(machine.profile, '/tmp/vu.sock', undefined)?.source, 'settings');
  assert.equal(machine.simulation?.outcome, 'starts');
  assert.ok(!machine.findings.some((finding) => finding.code === 'MS001'));
});

test('severity overrides and "off" reach the rule findings; the old profile-only signature still works', () => {
  const warning = allFindings(analyzeText(scriptText, { path: 'vm.sh' }, { severityOverrides: { MS001: 'warning' } }));
  assert.equal(warning.find((finding) => finding.code === 'MS001')?.severity, 'warning');
  const off = allFindings(analyzeText(scriptText, { path: 'vm.sh' }, { severityOverrides: { MS001: 'off' } }));
  assert.ok(!off.some((finding) => finding.code === 'MS001'));
  const disabled = allFindings(analyzeText(scriptText, { path: 'vm.sh' }, { disabled: ['MS001'] }));
  assert.ok(!disabled.some((finding) => finding.code === 'MS001'));
  const bare = analyzeText(scriptText, { path: 'vm.sh' }, defaultHostProfile());
  assert.ok(allFindings(bare).some((finding) => finding.code === 'MS001'), 'the directive still applies over a bare profile');
});

test('a suppression directive naming the code and the device id drops the finding; an unused one is reported', () => {
  const suppressed = scriptText.replace('set -euo pipefail', '# memslot: disable MS001 for fs0\nset -euo pipefail');
  const findings = allFindings(analyzeText(suppressed, { path: 'vm.sh' }));
  assert.ok(!findings.some((finding) => finding.code === 'MS001'));
  const stale = scriptText.replace('set -euo pipefail', '# memslot: disable MS001 for nosuchdevice\nset -euo pipefail');
  const staleFindings = allFindings(analyzeText(stale, { path: 'vm.sh' }));
  assert.ok(staleFindings.some((finding) => finding.code === 'MS001'));
  assert.ok(staleFindings.some((finding) => finding.code === 'MS101'), 'unused suppression reported');
});

test('a bad directive is a finding with a range, and analysis goes on', () => {
  const text = scriptText.replace('# memslot: --vhost-user /tmp/vu.sock=32', '# memslot: --vhost-user nonsense');
  const analysis = analyzeText(text, { path: 'vm.sh' });
  assert.ok(analysis.findings.some((finding) => finding.code === 'MS100' && finding.range.start.line === lineOf(scriptLines, '# memslot:')));
  assert.equal(analysis.machines.length, 1);
});
