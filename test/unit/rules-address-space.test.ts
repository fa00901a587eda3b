import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, lint, withCode } from './rules-helpers';
import { rangeOf } from './qemu-test-helpers';
import { readServerSettings } from '../../server/src/lsp/settings';
import { parseProfileOptions } from '../../server/src/simulator';
import { analyzeText } from '../../server/src/analysis';

/**
 * The guest address space and the host facts it depends on (issue 9). Numbers come from QEMU 10's
 * hw/i386/pc.c, checked against real QEMU under TCG in test/oracle/address-space-scenarios.ts; the
 * KVM cases (a named model takes the host's vendor, host-phys-bits takes the host's bits) cannot
 * run on a machine without KVM, so they are checked here against the source's rules.
 */

const KVM_Q35 = 'qemu-system-x86_64 -accel kvm -M q35';

test('MS016: under KVM a named model takes the host vendor; the verdict depends on it and a declaration settles it', () => {
  // Intel host: 6 + 976 + 32 = 1014 GiB fits 40 bits; AMD host: relocated above 1 TiB, beyond 40 bits.
  const script = `${KVM_Q35} -cpu Skylake-Client -m 4G,maxmem=980G\n`;
  const undeclared = lint(script, 'shell');
  const found = withCode(undeclared, 'MS016');
  assert.equal(found.length, 1);
  assert.equal(found[0].message, 'Verdict depends on the host CPU vendor: QEMU starts on Intel, refuses on AMD');
  assert.deepEqual(found[0].range, rangeOf(script, '-cpu Skylake-Client'));
  assert.equal(undeclared.machines[0].simulation.outcome, 'starts');
  assert.equal(undeclared.machines[0].simulation.machine.addressSpace?.vendorAssumed, true);

  const amd = lint(script, 'shell', ['--host-cpu-vendor', 'amd']);
  assert.equal(amd.machines[0].simulation.error, 'Address space limit 0xffffffffff < 0x1fc7fffffff phys-bits too low (40)');
  assert.deepEqual(withCode(amd, 'MS016'), []);
  assert.equal(withCode(amd, 'MS008').length, 1);
  assert.match(withCode(amd, 'MS008')[0].message, /\(AMD vCPU: RAM moved to 1 TiB\)/);
  const intel = lint(script, 'shell', ['--host-cpu-vendor', 'intel']);
  assert.equal(intel.machines[0].simulation.outcome, 'starts');
  assert.deepEqual(withCode(intel, 'MS016'), []);

  // The same through a directive, and through the quick fix that inserts one.
  const directive = lint(`# memslot: --host-cpu-vendor amd\n${script}`, 'shell');
  assert.equal(directive.machines[0].simulation.outcome, 'refused');
  assert.equal(directive.machines[0].simulation.profile.hostCpuVendor.source, 'directive');
  const fixed = applyFix(script, found[0].fixes?.find((f) => f.title.includes('AMD')) ?? assert.fail('no AMD fix'));
  assert.ok(fixed.startsWith('# memslot: --host-cpu-vendor amd\n'), fixed);
  assert.equal(lint(fixed, 'shell').machines[0].simulation.outcome, 'refused');
});

test('MS016: without KVM the model\'s own vendor counts and the host vendor does not matter', () => {
  const script = 'qemu-system-x86_64 -accel tcg -M q35 -cpu Skylake-Client -m 4G,maxmem=980G\n';
  const linted = lint(script, 'shell');
  assert.deepEqual(withCode(linted, 'MS016'), []);
  assert.equal(linted.machines[0].simulation.machine.addressSpace?.vendor, 'intel');
  assert.equal(lint(script, 'shell', ['--host-cpu-vendor', 'amd']).machines[0].simulation.outcome, 'starts');
  // vendor= written wins under KVM too.
  const written = lint(`${KVM_Q35} -cpu Skylake-Client,vendor=AuthenticAMD -m 4G,maxmem=980G\n`, 'shell');
  assert.deepEqual(withCode(written, 'MS016'), []);
  assert.equal(written.machines[0].simulation.outcome, 'refused');
});

test('MS016: -cpu host uses the host phys-bits; below the needed width QEMU refuses', () => {
  // 6 + 1020 + 32 = 1058 GiB − 1 needs 41 bits.
  const script = `${KVM_Q35} -cpu host -m 4G,maxmem=1024G\n`;
  const found = withCode(lint(script, 'shell', ['--host-cpu-vendor', 'intel']), 'MS016');
  assert.equal(found.length, 1);
  assert.equal(found[0].message, "Verdict depends on the host's physical address bits: QEMU refuses on hosts with fewer than 41");
  const low = lint(script, 'shell', ['--host-cpu-vendor', 'intel', '--host-phys-bits', '39']);
  assert.equal(low.machines[0].simulation.error, 'Address space limit 0x7fffffffff < 0x1087fffffff phys-bits too low (39)');
  assert.deepEqual(withCode(low, 'MS016'), []);
  const high = lint(script, 'shell', ['--host-cpu-vendor', 'intel', '--host-phys-bits', '48']);
  assert.equal(high.machines[0].simulation.outcome, 'starts');
  // host-phys-bits-limit caps the host's width.
  const limited = lint(`${KVM_Q35} -cpu host,host-phys-bits-limit=40 -m 4G,maxmem=1024G\n`, 'shell', ['--host-cpu-vendor', 'intel', '--host-phys-bits', '48']);
  assert.equal(limited.machines[0].simulation.error, 'Address space limit 0xffffffffff < 0x1087fffffff phys-bits too low (40)');
});

test('host facts: CLI flags, settings and their errors', () => {
  assert.deepEqual(parseProfileOptions(['--host-cpu-vendor', 'arm']).errors, ["--host-cpu-vendor: 'arm' is not amd or intel"]);
  assert.deepEqual(parseProfileOptions(['--host-phys-bits', '20']).errors, ['--host-phys-bits: 20 is not between 32 and 64']);
  const read = readServerSettings({ host: { cpuVendor: 'amd', physBits: '43' } });
  assert.deepEqual(read.problems, []);
  assert.equal(read.settings.profile.hostCpuVendor.value, 'amd');
  assert.equal(read.settings.profile.hostCpuVendor.origin, 'setting memslot.host.cpuVendor');
  assert.equal(read.settings.profile.hostPhysBits.value, 43);
  assert.equal(readServerSettings({ host: { cpuVendor: 'via' } }).problems.length, 1);
});

test('MS008: the CPU refuses phys-bits out of range and -cpu host without KVM', () => {
  const bits = withCode(lint('qemu-system-x86_64 -accel tcg -M q35 -cpu qemu64,phys-bits=60\n', 'shell'), 'MS008');
  assert.equal(bits.length, 1);
  assert.equal(bits[0].related?.[0].message, 'QEMU: phys-bits should be between 32 and 52  (but is 60)');
  const host = withCode(lint('qemu-system-x86_64 -accel tcg -M q35 -cpu host\n', 'shell'), 'MS008');
  assert.equal(host[0].message, 'QEMU refuses -cpu host: it needs KVM, and this command line runs TCG');
});

test('MS015: DIMM slots and addresses, in QEMU\'s order', () => {
  const base = 'qemu-system-x86_64 -accel tcg -M q35 -cpu Skylake-Client -m 1G,slots=4,maxmem=16G';
  const dimm = (id: string, extra = '') => `-object memory-backend-ram,id=${id}-mem,size=1G -device pc-dimm,id=${id},memdev=${id}-mem${extra}`;
  const conflict = `${base} ${dimm('d0', ',addr=0x140000000')} ${dimm('d1')} ${dimm('d2')} ${dimm('d3', ',addr=0x180000000')}\n`;
  const linted = lint(conflict, 'shell');
  const found = withCode(linted, 'MS015');
  assert.equal(found.length, 1);
  assert.equal(found[0].message, "QEMU refuses pc-dimm 'd3': its address overlaps memory device d2");
  assert.deepEqual(found[0].range, rangeOf(conflict, '0x180000000'));
  assert.deepEqual(linted.machines[0].simulation.memoryDevices.map((d) => [d.id, d.addr, d.slot]), [
    ['d0', 0x140000000, 0], ['d1', 0x100000000, 1], ['d2', 0x180000000, 2], ['d3', null, null],
  ]);
  const busy = `${base} ${dimm('d0')} ${dimm('d1', ',slot=0')}\n`;
  assert.equal(withCode(lint(busy, 'shell'), 'MS015')[0].message, "QEMU refuses pc-dimm 'd1': its slot= is already taken by an earlier DIMM");
  const outside = `${base} ${dimm('d0', ',addr=0x80000000')}\n`;
  const out = withCode(lint(outside, 'shell'), 'MS015')[0];
  assert.equal(out.message, "QEMU refuses pc-dimm 'd0': its address is outside the device-memory window");
  assert.equal(out.related?.[0].message, "QEMU: can't add memory device [0x80000000:0x40000000], usable range for memory devices [0x100000000:0x4c0000000]");
  assert.deepEqual(withCode(lint(`${base} ${dimm('d0', ',addr=0x100000000')}\n`, 'shell'), 'MS015'), []);
});

test('MS015: a libvirt DIMM address outside the window', () => {
  const xml = `<domain type='kvm'><name>v</name><memory unit='GiB'>1</memory><maxMemory slots='2' unit='GiB'>8</maxMemory>
<vcpu>1</vcpu><cpu mode='custom'><model>Skylake-Client</model><numa><cell id='0' cpus='0' memory='1' unit='GiB'/></numa></cpu>
<os><type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/></features><devices>
<memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target><address type='dimm' slot='0' base='0x80000000'/></memory>
</devices></domain>`;
  const found = withCode(lint(xml, 'libvirt-xml', ['--host-cpu-vendor', 'intel']), 'MS015');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /outside the device-memory window/);
});

test('host facts: settings and an XML directive change the verdict as the CLI flag does', () => {
  const script = `${KVM_Q35} -cpu Skylake-Client -m 4G,maxmem=980G\n`;
  const amdSettings = readServerSettings({ host: { cpuVendor: 'amd' } }).settings.profile;
  assert.equal(analyzeText(script, { path: 'vm.sh' }, amdSettings).machines[0].simulation?.outcome, 'refused');
  assert.equal(analyzeText(script, { path: 'vm.sh' }).machines[0].simulation?.outcome, 'starts');
  const xml = (directive: string) => `${directive}<domain type='kvm'><name>v</name><memory unit='GiB'>4</memory><maxMemory slots='1' unit='GiB'>980</maxMemory>
<vcpu>1</vcpu><cpu mode='host-passthrough'><numa><cell id='0' cpus='0' memory='4' unit='GiB'/></numa></cpu>
<os><type arch='x86_64' machine='q35'>hvm</type></os><devices/></domain>`;
  // host-passthrough: the host's vendor and width. 6 + 976 + 1 (slot) + 32 GiB needs 40 bits, or 41 relocated on AMD.
  const low = analyzeText(xml("<!-- memslot: host-cpu-vendor amd host-phys-bits 40 -->\n"), { path: 'vm.xml' }).machines[0].simulation;
  assert.equal(low?.outcome, 'refused');
  assert.equal(low?.profile.hostPhysBits.source, 'directive');
  const high = analyzeText(xml("<!-- memslot: host-cpu-vendor intel host-phys-bits 40 -->\n"), { path: 'vm.xml' }).machines[0].simulation;
  assert.equal(high?.outcome, 'starts');
});
