import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeText } from '../../server/src/analysis';
import { profileWithDirectives, readDirectives } from '../../server/src/directives/index';
import { hoverAt } from '../../server/src/features/hover';
import { readServerSettings } from '../../server/src/lsp/settings';
import { profileWithSettings, readMemslotSettings } from '../../server/src/rules/index';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions } from '../../server/src/simulator/index';
import { runCli } from './cli-helpers';
import { lint, withCode } from './rules-helpers';

/**
 * `--vhost-user-unknown N|nocfg`: the limit assumed for a vhost-user back-end no `--vhost-user`
 * names, wherever the host profile is set (CLI, `memslot:` directive, settings).
 *
 * The example domain (examples/libvirt-virtio-mem-virtiofs.xml) has a virtio-mem device with
 * dynamicMemslots='yes', which libvirt emits before the virtiofs device, whose socket no profile
 * rule names. Expected verdicts from docs/facts/memslots.md#vhost-check-a: a back-end
 * limit of 509 or more is accepted after an auto-decision, anything below (32; 8 without
 * CONFIGURE_MEM_SLOTS) is refused with QEMU's message.
 */
const example = 'examples/libvirt-virtio-mem-virtiofs.xml';
const exampleText = readFileSync(example, 'utf8');
const refusal = 'some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots';

interface SimulationJson { outcome: string; refusedBy: string | null; error: string | null }

async function simulationOf(args: string[]): Promise<SimulationJson | undefined> {
  const run = await runCli(['--format', 'json', ...args]);
  const output = JSON.parse(run.stdout) as { files: Array<{ machines: Array<{ simulation?: SimulationJson }> }> };
  return output.files[0]?.machines[0]?.simulation;
}

test('parseProfileOptions reads --vhost-user-unknown N, =N and nocfg, with its text as origin', async () => {
  const spaced = parseProfileOptions(['--vhost-user-unknown', '32', 'vm.sh']);
  assert.deepEqual(spaced.errors, []);
  assert.deepEqual(spaced.rest, ['vm.sh']);
  assert.equal(spaced.overrides.unknownVhostUserAssumption, 32);
  assert.equal(spaced.overrides.origins?.unknownVhostUserAssumption, '--vhost-user-unknown 32');
  assert.equal(parseProfileOptions(['--vhost-user-unknown=8']).overrides.unknownVhostUserAssumption, 8);
  assert.equal(parseProfileOptions(['--vhost-user-unknown', 'nocfg']).overrides.unknownVhostUserAssumption, 'no-configure-mem-slots');
  // Not swallowed by --vhost-user, whose name it starts with.
  assert.equal(parseProfileOptions(['--vhost-user-unknown', '32']).overrides.vhostUserBackends, undefined);
});

test('parseProfileOptions rejects a bad or missing --vhost-user-unknown value', async () => {
  assert.equal(parseProfileOptions(['--vhost-user-unknown', 'many']).errors.length, 1);
  assert.equal(parseProfileOptions(['--vhost-user-unknown', '-1']).errors.length, 1);
  assert.deepEqual(parseProfileOptions(['--vhost-user-unknown']).errors, ['--vhost-user-unknown needs a value']);
});

test('applied, the assumption carries its source and origin; the default stays 509', async () => {
  assert.equal(defaultHostProfile().unknownVhostUserAssumption.value, 509);
  const profile = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user-unknown', 'nocfg']).overrides, 'cli');
  assert.deepEqual(profile.unknownVhostUserAssumption, { value: 'no-configure-mem-slots', source: 'cli', origin: '--vhost-user-unknown nocfg' });
});

test('CLI: the example starts with the assumed 509 and is refused by fs0 with --vhost-user-unknown 32 or nocfg', async () => {
  const assumed = await simulationOf([example]);
  assert.equal(assumed?.outcome, 'starts');
  assert.equal(assumed?.refusedBy, null);
  for (const value of ['32', 'nocfg']) {
    const simulation = await simulationOf(['--vhost-user-unknown', value, example]);
    assert.equal(simulation?.outcome, 'refused', value);
    assert.equal(simulation?.refusedBy, 'fs0', value);
    assert.equal(simulation?.error, refusal, value);
  }
  // A declared back-end is not unknown: the assumption does not touch it.
  assert.equal((await simulationOf(['--vhost-user-unknown', '32', '--vhost-user', '/tmp/vu.sock=509', example]))?.outcome, 'starts');
});

test('CLI: --help documents the option; a bad value is a usage error', async () => {
  assert.match((await runCli(['--help'])).stdout, /--vhost-user-unknown N\|nocfg/);
  const run = await runCli(['--vhost-user-unknown', 'lots', example]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^memslot: .*--vhost-user-unknown/);
});

test('a file directive sets the assumption: XML without dashes, scripts with them', async () => {
  const xml = exampleText.replace("<domain type='kvm'>", "<!-- memslot: vhost-user-unknown 32 -->\n<domain type='kvm'>");
  const read = readDirectives(xml, 'libvirt-xml');
  assert.deepEqual(read.findings, []);
  const profile = profileWithDirectives(defaultHostProfile(), read);
  assert.equal(profile.unknownVhostUserAssumption.value, 32);
  assert.equal(profile.unknownVhostUserAssumption.source, 'directive');
  assert.match(profile.unknownVhostUserAssumption.origin, /vhost-user-unknown 32/);
  const linted = lint(xml, 'libvirt-xml');
  assert.equal(linted.machines[0].simulation.outcome, 'refused');
  assert.equal(linted.machines[0].simulation.refusedBy, 'fs0');
  assert.equal(withCode(linted, 'MS001').length, 1);

  const script = readDirectives('# memslot: --vhost-user-unknown=nocfg\nqemu-system-x86_64 -m 1G\n', 'shell');
  assert.deepEqual(script.findings, []);
  assert.equal(profileWithDirectives(defaultHostProfile(), script).unknownVhostUserAssumption.value, 'no-configure-mem-slots');
  assert.equal(readDirectives('# memslot: --vhost-user-unknown some\n', 'shell').findings.length, 1);
});

test('setting memslot.host.vhostUserUnknownLimit: read, validated, and used by analyzeText; the hover names its source', async () => {
  const settings = readMemslotSettings({ host: { vhostUserUnknownLimit: 32 } });
  assert.deepEqual(settings.errors, []);
  const profile = profileWithSettings(defaultHostProfile(), settings);
  assert.equal(profile.unknownVhostUserAssumption.value, 32);
  assert.equal(profile.unknownVhostUserAssumption.source, 'settings');
  assert.match(profile.unknownVhostUserAssumption.origin, /memslot\.host\.vhostUserUnknownLimit/);

  const analysis = analyzeText(exampleText, { path: 'vm.xml' }, { profile });
  assert.equal(analysis.machines[0].simulation?.outcome, 'refused');
  assert.equal(analysis.machines[0].simulation?.refusedBy, 'fs0');
  assert.equal(analysis.machines[0].simulation?.error, refusal);
  assert.equal(analyzeText(exampleText, { path: 'vm.xml' }, { profile: defaultHostProfile() }).machines[0].simulation?.outcome, 'starts');

  const lines = exampleText.split('\n');
  const line = lines.findIndex((l) => l.includes("<filesystem type='mount'>"));
  const markdown = hoverAt(analysis, { line, character: lines[line].indexOf('<filesystem') + 1 }) ?? '';
  assert.match(markdown, /\| unknown vhost-user backend limit \| 32 \| settings \|/);

  assert.equal(readServerSettings({ host: { vhostUserUnknownLimit: 'nocfg' } }).settings.profile.unknownVhostUserAssumption.value, 'no-configure-mem-slots');
  const bad = readServerSettings({ host: { vhostUserUnknownLimit: 'lots' } });
  assert.equal(bad.problems.length, 1);
  assert.match(bad.problems[0], /vhostUserUnknownLimit/);
  assert.equal(bad.settings.profile.unknownVhostUserAssumption.value, 509);
  assert.equal(readServerSettings({ host: { vhostUserUnknownLimit: null } }).settings.profile.unknownVhostUserAssumption.source, 'default');
});

test('a directive overrides the setting, and the JSON profile says so', async () => {
  const xml = exampleText.replace("<domain type='kvm'>", "<!-- memslot: vhost-user-unknown 509 -->\n<domain type='kvm'>");
  const profile = profileWithSettings(defaultHostProfile(), readMemslotSettings({ host: { vhostUserUnknownLimit: 8 } }));
  const simulation = analyzeText(xml, { path: 'vm.xml' }, { profile }).machines[0].simulation;
  assert.equal(simulation?.outcome, 'starts');
  assert.equal(simulation?.profile.unknownVhostUserAssumption.source, 'directive');
  assert.equal(simulation?.profile.unknownVhostUserAssumption.value, 509);
});

test('MS012 tells (in its data, for the hover) how to change the assumption, in the file kind\'s own spelling', async () => {
  const xmlMessage = String(withCode(lint(exampleText, 'libvirt-xml'), 'MS012')[0]?.data?.declare ?? '');
  assert.match(xmlMessage, /--vhost-user-unknown N\|nocfg/);
  assert.match(xmlMessage, /<!-- memslot: vhost-user-unknown N -->/);
  assert.match(xmlMessage, /memslot\.host\.vhostUserUnknownLimit/);
  const scriptMessage = String(withCode(lint(readFileSync('examples/virtio-mem-then-vhost-user-fs.sh', 'utf8').replace(/^# memslot:.*\n/gm, ''), 'shell'), 'MS012')[0]?.data?.declare ?? '');
  assert.match(scriptMessage, /'# memslot: --vhost-user-unknown N'/);
});
