import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readServerSettings } from '../../server/src/lsp/settings';
import { findVhostUserRule } from '../../server/src/simulator';

test('host settings become the profile with source "settings"', () => {
  const read = readServerSettings({
    host: { qemuVersion: '9.2', kvmMemslots: 509, smm: false, vhostUserBackends: { '/tmp/vu.sock': 32 } },
    inlayHints: { enabled: false },
    analysis: { timeoutMs: 500 },
  });
  assert.deepEqual(read.problems, []);
  assert.equal(read.settings.analysisTimeoutMs, 500);
  const { profile } = read.settings;
  assert.deepEqual(profile.qemuVersion.value, { major: 9, minor: 2, micro: 0 });
  assert.equal(profile.qemuVersion.source, 'settings');
  assert.equal(profile.kvmMemslots.value, 509);
  assert.equal(profile.smm.value, false);
  assert.equal(profile.smm.source, 'settings');
  assert.equal(findVhostUserRule(profile, '/tmp/vu.sock', undefined)?.limit, 32);
  assert.equal(profile.vhostMaxMemRegions.source, 'default', 'values not set keep their default source');
  assert.equal(read.settings.inlayHintsEnabled, false);
});

test('bad values are reported, named, and their defaults used', () => {
  const read = readServerSettings({
    host: { kvmMemslots: 'lots', qemuFlavor: 'fedora' },
    rules: { MS001: 'loud' },
    inlayHints: { enabled: 'yes' },
    trace: { server: 'everything' },
    analysis: { timeoutMs: 0.5 },
  });
  for (const name of ['kvmMemslots', 'qemuFlavor', 'MS001', 'inlayHints.enabled', 'trace.server', 'analysis.timeoutMs']) {
    assert.ok(read.problems.some((problem) => problem.includes(name)), `a problem names ${name}: ${read.problems.join(' | ')}`);
  }
  assert.equal(read.settings.profile.kvmMemslots.value, 32764);
  assert.equal(read.settings.profile.kvmMemslots.source, 'default');
  assert.deepEqual(read.settings.severityOverrides, {});
  assert.equal(read.settings.inlayHintsEnabled, true);
  assert.equal(read.settings.trace, 'off');
  assert.equal(read.settings.analysisTimeoutMs, 2000);
});

test('a section that is not an object gives the defaults and one problem; absent gives none', () => {
  assert.equal(readServerSettings('on').problems.length, 1);
  assert.deepEqual(readServerSettings(undefined).problems, []);
});

test('rule severities and "off" pass through', () => {
  const read = readServerSettings({ rules: { MS001: 'warning', MS907: 'off' } });
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.settings.severityOverrides, { MS001: 'warning', MS907: 'off' });
});
