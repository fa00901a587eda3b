import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { codeCatalogue, codes as catalogue, frontendCodes } from '../../server/src/model/codes';
import { internalErrorCode } from '../../server/src/analysis';
import { memslotSettingsSchema, readMemslotSettings, rules } from '../../server/src/rules/index';
import { lint, withCode } from './rules-helpers';

test('codes and slugs are unique; rules use MS0xx, directives MS1xx; front-end and internal codes are listed', () => {
  const codes = codeCatalogue.map((m) => m.code);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(new Set(codeCatalogue.map((m) => m.slug)).size, codes.length);
  for (const [key, entry] of Object.entries(catalogue)) assert.equal(entry.code, key);
  for (const rule of rules) assert.match(rule.code, /^MS0\d\d$/);
  assert.equal(rules[0].code, 'MS001');
  for (const entry of Object.values(frontendCodes)) assert.equal(entry.kind, 'frontend', entry.code);
  assert.ok(codes.includes(internalErrorCode));
  for (const meta of codeCatalogue) assert.match(meta.slug, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test('every rule is its catalogue entry plus a check, and every catalogue rule is registered', () => {
  for (const rule of rules) {
    const { check: _check, ...metadata } = rule;
    assert.deepEqual(metadata, catalogue[rule.code as keyof typeof catalogue], rule.code);
  }
  const registered = rules.map((rule) => rule.code);
  assert.deepEqual(codeCatalogue.filter((entry) => entry.kind === 'rule').map((entry) => entry.code), registered);
});

test('every registered code has a documentation page that says what, why and how to fix', () => {
  for (const meta of codeCatalogue) {
    const page = `docs/rules/${meta.code}.md`;
    assert.ok(existsSync(page), `${page} is missing`);
    const text = readFileSync(page, 'utf8');
    assert.match(text, new RegExp(`^# ${meta.code} — `), `${page} starts with its code`);
    assert.match(text, /## How to fix/, `${page} says how to fix`);
    if (meta.kind === 'rule') {
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
  for (const meta of codeCatalogue) {
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

test("no rule recognises a refusal by QEMU's text: rules switch on the simulation's reason", () => {
  // QEMU's texts are for display; a reworded message must not silently turn a rule off.
  const byText = /(\berror|\.error)\s*[!=]==|[!=]==\s*messages\.|error\??\.(startsWith|includes|endsWith|match)\(|\.test\([a-z.?]*error\b/;
  for (const name of readdirSync('server/src/rules')) {
    const text = readFileSync(`server/src/rules/${name}`, 'utf8');
    assert.doesNotMatch(text, byText, name);
  }
  // The check itself catches the old style.
  assert.match("if (simulation.error === messages.kvmNotEnoughFree) return [];", byText);
  assert.match("} else if (error.startsWith('vhost backend memory slots limit')) {", byText);
  assert.match("if (!/has to be multiples of/.test(error)) return [];", byText);
});
