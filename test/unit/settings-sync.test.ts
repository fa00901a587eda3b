import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readServerSettings, settingsSchema } from '../../server/src/lsp/settings';
import { codeCatalogue } from '../../server/src/model/codes';
import { defaultHostProfile } from '../../server/src/simulator';

// package.json's settings are generated from the server's schema; when this test fails after a
// change to the rules or settings, regenerate them with:
//   UPDATE_SETTINGS=1 node scripts/run-tests.mjs settings-sync
const manifestPath = resolve('package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};
const expected = JSON.parse(JSON.stringify(settingsSchema)) as Record<string, { default?: unknown }>;
if (process.env.UPDATE_SETTINGS === '1') {
  manifest.contributes.configuration.properties = expected;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}
const properties = manifest.contributes.configuration.properties;

test('package.json declares exactly the settings the server reads, with the same schema', () => {
  assert.deepEqual(Object.keys(properties).sort(), Object.keys(expected).sort());
  for (const key of Object.keys(expected)) assert.deepEqual(properties[key], expected[key], key);
});

test('every code memslot reports has a severity entry under memslot.rules', () => {
  const rules = properties['memslot.rules'] as { properties?: Record<string, { default?: unknown }> };
  for (const meta of codeCatalogue) {
    assert.equal(rules.properties?.[meta.code]?.default, meta.defaultSeverity, meta.code);
  }
});

test("package.json's defaults, read by the server, give the built-in host and no warnings", () => {
  // Build the section the way VS Code hands it over: dotted keys nested under `memslot`.
  const section: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    const path = key.split('.').slice(1);
    let node = section;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = schema.default;
  }
  const read = readServerSettings(section);
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.settings.profile, defaultHostProfile());
  assert.equal(read.settings.inlayHintsEnabled, true);
  assert.equal(read.settings.trace, 'off');
  // The per-rule defaults are each rule's default severity, so the overrides change nothing.
  for (const [code, severity] of Object.entries(read.settings.severityOverrides)) {
    assert.equal(codeCatalogue.find((meta) => meta.code === code)?.defaultSeverity, severity, code);
  }
});

test('every setting is editable in the Settings UI: one non-null type, no null default; auto and defaults read as the built-in host', () => {
  type SettingSchema = { type?: unknown; anyOf?: unknown; default?: unknown; enum?: unknown[] };
  for (const [key, schema] of Object.entries(properties) as Array<[string, SettingSchema]>) {
    assert.equal(typeof schema.type, 'string', `${key}: a single type (the UI shows a union or anyOf as "Edit in settings.json")`);
    assert.equal(schema.anyOf, undefined, key);
    assert.notEqual(schema.default, null, key);
    assert.ok(!(schema.enum ?? []).includes(null), `${key}: no literal null choice`);
  }
  const auto = readServerSettings({ host: { qemuVersion: 'auto', qemuFlavor: 'auto', vhostUserUnknownLimit: '509', kvmMemslots: 32764, smm: true } });
  assert.deepEqual(auto.problems, []);
  assert.deepEqual(auto.settings.profile, defaultHostProfile());
  const set = readServerSettings({ host: { qemuFlavor: 'rhel', vhostUserUnknownLimit: 'nocfg' } });
  assert.equal(set.settings.profile.qemuFlavor.value, 'rhel');
  assert.equal(set.settings.profile.unknownVhostUserAssumption.value, 'no-configure-mem-slots');
  // settings.json files written for the old nullable schema still work.
  assert.deepEqual(
    readServerSettings({ host: { qemuVersion: null, vhostUserUnknownLimit: 32 } }).settings.profile.unknownVhostUserAssumption.value, 32);
});
