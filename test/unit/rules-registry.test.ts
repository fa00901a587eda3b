import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { frontendCodes } from '../../server/src/frontends/codes';
import { internalErrorCode } from '../../server/src/analysis';
import { memslotSettingsSchema, readMemslotSettings, ruleMetadata, rules } from '../../server/src/rules/index';
import { lint, withCode } from './rules-helpers';

test('codes and slugs are unique; rules use MS0xx, directives MS1xx; front-end and internal codes are listed', () => {
  const codes = ruleMetadata.map((m) => m.code);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(new Set(ruleMetadata.map((m) => m.slug)).size, codes.length);
  for (const rule of rules) assert.match(rule.code, /^MS0\d\d$/);
  assert.equal(rules[0].code, 'MS001');
  for (const entry of Object.values(frontendCodes)) {
    const meta = ruleMetadata.find((m) => m.code === entry.code);
    assert.equal(meta?.defaultSeverity, entry.severity, entry.code);
    assert.equal(meta?.reporter, 'frontend');
  }
  assert.ok(codes.includes(internalErrorCode));
  for (const meta of ruleMetadata) assert.match(meta.slug, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test('every registered code has a documentation page that says what, why and how to fix', () => {
  for (const meta of ruleMetadata) {
    const page = `docs/rules/${meta.code}.md`;
    assert.ok(existsSync(page), `${page} is missing`);
    const text = readFileSync(page, 'utf8');
    assert.match(text, new RegExp(`^# ${meta.code} — `), `${page} starts with its code`);
    assert.match(text, /## How to fix/, `${page} says how to fix`);
    if (meta.reporter === 'rule') {
      assert.ok(text.includes(meta.slug), `${page} names its slug ${meta.slug}`);
      assert.match(text, /## Suppress/, `${page} says how to suppress`);
    }
  }
});

const refused = `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -object memory-backend-memfd,id=m0,size=64G \\
  -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
  -chardev socket,id=c0,path=/run/vub.sock \\
  -device vhost-user-blk-pci,chardev=c0,id=vub0
`;
const cli = ['--vhost-user', '/run/vub.sock=32'];

test('severity overrides change a rule\'s severity; "off" and "disabled" drop it', () => {
  assert.equal(withCode(lint(refused, 'shell', cli), 'MS001')[0].severity, 'error');
  assert.equal(withCode(lint(refused, 'shell', cli, { severityOverrides: { MS001: 'hint' } }), 'MS001')[0].severity, 'hint');
  assert.deepEqual(withCode(lint(refused, 'shell', cli, { severityOverrides: { MS001: 'off' } }), 'MS001'), []);
  assert.deepEqual(withCode(lint(refused, 'shell', cli, { disabled: ['MS001'] }), 'MS001'), []);
  // Front-end codes too.
  const dangling = '-m 1G,maxmem=9G -device virtio-mem-pci,id=vm0,memdev=nope\n';
  assert.ok(withCode(lint(dangling, 'qemu-args'), 'MS905').length > 0);
  assert.deepEqual(withCode(lint(dangling, 'qemu-args', [], { severityOverrides: { MS905: 'off' } }), 'MS905'), []);
});

test('every rule finding carries its code, and a finding naming a device offers "disable <code> for <id>"', () => {
  for (const found of lint(refused, 'shell', cli).findings) {
    assert.match(found.code, /^MS\d{3}$/);
    if (found.code === 'MS001') assert.ok(found.fixes?.some((f) => f.title === "Disable MS001 for 'vub0' in this file"));
  }
});

test('the settings schema lists every code with its default severity, and settings are validated', () => {
  const rulesSchema = memslotSettingsSchema['memslot.rules'];
  for (const meta of ruleMetadata) {
    const entry = rulesSchema.properties[meta.code];
    assert.equal(entry.default, meta.defaultSeverity, meta.code);
    assert.deepEqual(entry.enum, ['error', 'warning', 'information', 'hint', 'off']);
  }
  assert.ok('memslot.host.vhostUserBackends' in memslotSettingsSchema);
  const read = readMemslotSettings({
    rules: { MS001: 'warning', MS002: 'loud', MS777: 'off' },
    host: { qemuVersion: '9.2', smm: false, vhostUserBackends: { '/run/*.sock': 32, dpdk0: 'nocfg', bad: 'x' } },
  });
  assert.deepEqual(read.severityOverrides, { MS001: 'warning' });
  assert.equal(read.errors.length, 3);
  assert.deepEqual(read.profileArgs.map((a) => a.args), [
    ['--qemu', '9.2'], ['--smm', 'off'], ['--vhost-user', '/run/*.sock=32'], ['--vhost-user', 'dpdk0=nocfg'],
  ]);
  assert.deepEqual(readMemslotSettings('nonsense'), { severityOverrides: {}, profileArgs: [], errors: [] });
});
