import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers';
import { applyFix, fixTitled, lint, withCode } from './rules-helpers';

/**
 * MS017: a start-up refusal no other rule explains. QEMU's words below were seen on QEMU 10.0.2
 * (the same cases run in test/oracle/scenarios.ts); a file QEMU refuses never passes silently.
 */

const acpiOff = 'qemu-system-x86_64 -M q35,acpi=off -m 1G,slots=2,maxmem=8G '
  + '-object memory-backend-ram,id=m1,size=1G -device pc-dimm,id=d1,memdev=m1\n';
const textAt = (text: string, range: { start: { character: number }; end: { character: number } }) =>
  text.slice(range.start.character, range.end.character);

test('ACPI off refuses a DIMM: one MS017 on the device, with QEMU\'s words', () => {
  const linted = lint(acpiOff, 'shell');
  const found = withCode(linted, 'MS017');
  assert.deepEqual(found.map((f) => f.message), ['QEMU refuses d1: memory hotplug is not enabled: missing acpi device or acpi disabled']);
  assert.equal(found[0]?.severity, 'error');
  assert.equal(textAt(acpiOff, found[0]!.range), '-device pc-dimm,id=d1,memdev=m1');
  assert.equal(linted.findings.length, 1, 'nothing else speaks for the refusal');
  // The preferred fix turns ACPI on, and QEMU then starts.
  const fix = fixTitled(found[0]!, /^Turn ACPI on \(-machine acpi=on\)$/);
  assert.equal(fix.isPreferred, true);
  const fixed = applyFix(acpiOff, fix);
  assert.equal(fixed, acpiOff.replace('acpi=off', 'acpi=on'));
  assert.equal(lint(fixed, 'shell').machines[0]?.simulation.outcome, 'starts');
});

test('ACPI on (auto, the default) or off with virtio-mem only: no MS017', () => {
  assert.deepEqual(withCode(lint(acpiOff.replace(',acpi=off', ''), 'shell'), 'MS017'), []);
  assert.deepEqual(withCode(lint(acpiOff.replace('acpi=off', 'acpi=auto'), 'shell'), 'MS017'), []);
  const virtioMem = 'qemu-system-x86_64 -M q35,acpi=off -m 1G,maxmem=9G -object memory-backend-ram,id=m1,size=8G -device virtio-mem-pci,id=v1,memdev=m1\n';
  const linted = lint(virtioMem, 'shell');
  assert.equal(linted.machines[0]?.simulation.outcome, 'starts');
  assert.deepEqual(withCode(linted, 'MS017'), []);
});

test('other refusals no rule explains: an NVDIMM without nvdimm=on, two DIMMs on one memdev', () => {
  const nvdimm = 'qemu-system-x86_64 -M q35 -m 1G,slots=2,maxmem=8G -object memory-backend-ram,id=m1,size=1G -device nvdimm,id=nv1,memdev=m1\n';
  assert.deepEqual(withCode(lint(nvdimm, 'shell'), 'MS017').map((f) => f.message), ["QEMU refuses nv1: nvdimm is not enabled: missing 'nvdimm' in '-M'"]);
  const busy = `${acpiOff.replace(',acpi=off', '').trimEnd()} -device pc-dimm,id=d2,memdev=m1\n`;
  assert.deepEqual(withCode(lint(busy, 'shell'), 'MS017').map((f) => f.message), ["QEMU refuses d2: can't use already busy memdev: m1"]);
});

test('silent where another finding reports the refusal, even when that rule is turned off', () => {
  // No slots= for the DIMM: MS006 says so in memslot's terms.
  const noSlots = acpiOff.replace(',acpi=off', '').replace('slots=2,', '');
  assert.equal(withCode(lint(noSlots, 'shell'), 'MS006').length, 1);
  assert.deepEqual(withCode(lint(noSlots, 'shell'), 'MS017'), []);
  assert.deepEqual(withCode(lint(noSlots, 'shell', [], { severityOverrides: { MS006: 'off' } }), 'MS017'), []);
  // A front-end error is QEMU's parse-time refusal, already reported (MS905 here).
  const dangling = 'qemu-system-x86_64 -M q35 -m 1G,maxmem=9G -device virtio-mem-pci,id=vm0,memdev=nope\n';
  assert.ok(withCode(lint(dangling, 'shell'), 'MS905').length > 0);
  assert.deepEqual(withCode(lint(dangling, 'shell'), 'MS017'), []);
  // MS017 itself can be turned off like any rule.
  assert.deepEqual(withCode(lint(acpiOff, 'shell', [], { severityOverrides: { MS017: 'off' } }), 'MS017'), []);
});

test('libvirt: a DIMM in a domain without <features><acpi/> (libvirt writes acpi=off) is MS017 at its <memory>', () => {
  const domain = (features: string) => `<domain type='kvm'>
  <name>g</name>
  <maxMemory slots='2' unit='GiB'>8</maxMemory>
  <memory unit='GiB'>1</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>${features}
  <cpu><numa><cell id='0' cpus='0' memory='1' unit='GiB'/></numa></cpu>
  <devices>
    <memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>
  </devices>
</domain>
`;
  const text = domain('');
  const [found, ...others] = withCode(lint(text, 'libvirt-xml'), 'MS017');
  assert.deepEqual(others, []);
  assert.equal(found?.message, 'QEMU refuses dimm0: memory hotplug is not enabled: missing acpi device or acpi disabled');
  assert.equal(text.split('\n')[found.range.start.line]?.trim().slice(0, 21), "<memory model='dimm'>");
  assert.deepEqual(withCode(lint(domain('\n  <features><acpi/></features>'), 'libvirt-xml'), 'MS017'), []);
  // The fix adds <features><acpi/></features> after <os>, or <acpi/> to the <features> written.
  const fixed = applyFix(text, fixTitled(found, /^Add <features><acpi\/><\/features>$/));
  assert.equal(fixed, domain('\n  <features><acpi/></features>'));
  assert.equal(lint(fixed, 'libvirt-xml').machines[0]?.simulation.outcome, 'starts');
  const withPae = domain('\n  <features><pae/></features>');
  const [paeFound] = withCode(lint(withPae, 'libvirt-xml'), 'MS017');
  assert.ok(paeFound);
  assert.equal(applyFix(withPae, fixTitled(paeFound, /^Add <acpi\/> to <features>$/)), domain('\n  <features><acpi/><pae/></features>'));
});

test('an option QEMU 10 does not have: removed ones from 10.0 on, unknown ones up to 10.0, at the option', () => {
  const script = (option: string) => `qemu-system-x86_64 -M q35 -m 1G ${option}\n`;
  const noAcpi = script('-no-acpi');
  const [found] = withCode(lint(noAcpi, 'shell'), 'MS017');
  assert.equal(found?.message, 'QEMU refuses -no-acpi: invalid option');
  assert.equal(textAt(noAcpi, found!.range), '-no-acpi');
  assert.deepEqual(withCode(lint(noAcpi, 'shell', ['--qemu', '8.2']), 'MS017'), [], 'QEMU 8.2 still had -no-acpi');
  const typo = script('-enable-nesting-typo');
  assert.deepEqual(withCode(lint(typo, 'shell'), 'MS017').map((f) => f.message), ['QEMU refuses -enable-nesting-typo: invalid option']);
  assert.deepEqual(withCode(lint(typo, 'shell', ['--qemu', '10.1']), 'MS017'), [], 'a later QEMU may have it');
  assert.deepEqual(withCode(lint(script('-icount shift=0'), 'shell'), 'MS017'), [], 'a QEMU 10 option');
});

test('the CLI fails such a file (exit 1) instead of passing it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memslot-ms017-'));
  writeFileSync(join(dir, 'vm.sh'), acpiOff);
  const run = await runCli([join(dir, 'vm.sh')]);
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /\[MS017\]/);
});
