import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import type { MachineModel, MemoryDevice, Netdev, VhostDevice } from '../../server/src/model/machine';
import type { Range } from '../../server/src/model/range';

const MiB = 1024 * 1024;

/** A domain with one NUMA cell of 2 GiB; `backing` and `devices` are spliced in. */
function domain(opts: { backing?: string; devices?: string; maxMemory?: string; numa?: string; type?: string } = {}): string {
  return [
    `<domain type='${opts.type ?? 'kvm'}'>`,
    '  <name>guest</name>',
    opts.maxMemory ?? "  <maxMemory slots='4' unit='GiB'>16</maxMemory>",
    "  <memory unit='GiB'>2</memory>",
    '  <vcpu>2</vcpu>',
    opts.backing ?? '',
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>",
    opts.numa ?? "  <cpu><numa><cell id='0' cpus='0-1' memory='2' unit='GiB'/></numa></cpu>",
    '  <devices>',
    opts.devices ?? '',
    '  </devices>',
    '</domain>',
  ].join('\n');
}

function machineOf(text: string, options = {}): MachineModel {
  const result = parseLibvirtDomain(text, options);
  assert.deepEqual(result.diagnostics, [], 'well-formed');
  assert.equal(result.machines.length, 1);
  return result.machines[0];
}

function errors(m: MachineModel): string[] {
  return m.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

/** The range of the first occurrence of `needle` in `text` (single line). */
function rangeOf(text: string, needle: string, from = 0): Range {
  const offset = text.indexOf(needle, from);
  assert.ok(offset >= 0, `${needle} in text`);
  const before = text.slice(0, offset).split('\n');
  const line = before.length - 1;
  const character = before[line].length;
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

const shared = "  <memoryBacking><access mode='shared'/></memoryBacking>";
const virtioMem = (extra = '') => `
    <memory model='virtio-mem'>
      <target${extra}>
        <size unit='GiB'>4</size>
        <node>0</node>
        <block unit='MiB'>2</block>
        <requested unit='GiB'>1</requested>
      </target>
    </memory>`;
const virtiofsExternal = `
    <filesystem type='mount'>
      <driver type='virtiofs'/>
      <source socket='/run/virtiofsd/share.sock'/>
      <target dir='share'/>
    </filesystem>`;

test('virtio-mem with dynamicMemslots and an external virtiofs: model, names and libvirt order', () => {
  // The filesystem comes first in the XML; libvirt still emits memory devices first (docs/facts/plug-order.md#libvirt-emission-order).
  const text = domain({ backing: shared, devices: virtiofsExternal + virtioMem(" dynamicMemslots='yes'") });
  const m = machineOf(text);
  assert.deepEqual(errors(m), []);
  const mem = m.devices.find((d): d is MemoryDevice => d.kind === 'memory-device');
  const fs = m.devices.find((d): d is VhostDevice => d.kind === 'vhost-device');
  assert.ok(mem && fs);
  assert.equal(mem.id?.value, 'virtiomem0');
  assert.equal(mem.driver.value, 'virtio-mem-pci');
  assert.equal(mem.memdev?.value, 'memvirtiomem0');
  assert.equal(mem.syntax, 'json');
  assert.equal(mem.node?.value, 0);
  assert.equal(mem.blockSize?.value, 2 * MiB);
  assert.equal(mem.requestedSize?.value, 1024 * MiB);
  assert.equal(mem.dynamicMemslots?.value, true);
  assert.equal(mem.dynamicMemslots?.origin, 'written');
  assert.deepEqual(mem.dynamicMemslots?.range, rangeOf(text, 'yes', text.indexOf('dynamicMemslots')));
  assert.ok(mem.order < fs.order, 'virtio-mem is plugged before the vhost-user-fs device');
  assert.equal(m.devices.indexOf(mem) < m.devices.indexOf(fs), true);

  assert.equal(fs.driver.value, 'vhost-user-fs-pci');
  assert.equal(fs.id?.value, 'fs0');
  assert.equal(fs.backend, 'vhost-user');
  assert.equal(fs.chardev?.value, 'chr-vu-fs0');
  const chardev = m.chardevs.find((c) => c.id?.value === 'chr-vu-fs0');
  assert.equal(chardev?.path?.value, '/run/virtiofsd/share.sock');
  assert.deepEqual(chardev?.path?.range, rangeOf(text, '/run/virtiofsd/share.sock'));
  assert.ok((chardev?.order ?? Infinity) < fs.order, 'chardev before its device');

  const backend = m.backends.find((b) => b.id?.value === 'memvirtiomem0');
  assert.equal(backend?.size?.value, 4096 * MiB);
  assert.equal(backend?.type.value, 'memory-backend-file', 'shared access forces a file backend');
  assert.equal(backend?.share.value, true);
  assert.equal(m.backends[0].id?.value, 'ram-node0', 'the NUMA cell backend comes first');
  assert.equal(m.numaNodes[0].memdev?.value, 'ram-node0');
  // The device's range is the XML element it came from.
  assert.equal(mem.range.start.line, text.split('\n').findIndex((l) => l.includes("<memory model='virtio-mem'>")));
});

test('absent dynamicMemslots stays undefined (QEMU default), dynamicMemslots=no is false', () => {
  const absent = machineOf(domain({ devices: virtioMem() })).devices.find((d): d is MemoryDevice => d.kind === 'memory-device');
  assert.equal(absent?.dynamicMemslots, undefined);
  const no = machineOf(domain({ devices: virtioMem(" dynamicMemslots='no'") })).devices.find((d): d is MemoryDevice => d.kind === 'memory-device');
  assert.equal(no?.dynamicMemslots?.value, false);
});

test('dynamicMemslots: silent when versions are unknown (rule MS011 checks the profile), libvirt error for QEMU before 8.2', () => {
  const text = domain({ devices: virtioMem(" dynamicMemslots='yes'") });
  const unknown = machineOf(text);
  assert.deepEqual(unknown.diagnostics, []);
  const old = machineOf(text, { qemuVersion: '8.1.0', libvirtVersion: '10.7.0' });
  assert.deepEqual(errors(old), ['unsupported configuration: virtio-mem does not support dynamicMemslots']);
  assert.deepEqual(old.diagnostics.find((d) => d.severity === 'error')?.range, rangeOf(text, "dynamicMemslots='yes'"));
  const recent = machineOf(text, { qemuVersion: '8.2.0', libvirtVersion: '10.1.0' });
  assert.deepEqual(recent.diagnostics, []);
});

test('virtiofs with a libvirt-launched daemon: socket in the domain directory; without shared memory libvirt refuses', () => {
  const launched = `
    <filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs'/>
      <source dir='/srv'/>
      <target dir='srv'/>
    </filesystem>`;
  const ok = machineOf(domain({ backing: shared, devices: launched }));
  assert.equal(ok.chardevs[0].path?.value, '/var/lib/libvirt/qemu/domain--1-guest/fs0-fs.sock');
  const text = domain({ devices: launched });
  const refused = machineOf(text);
  assert.deepEqual(errors(refused), ["unsupported configuration: 'virtiofs' requires shared memory"]);
  assert.deepEqual(refused.diagnostics[0].range, rangeOf(text, 'virtiofs'));
});

test('NUMA cell memAccess overrides the global access in the shared-memory rule', () => {
  const numa = "  <cpu><numa><cell id='0' cpus='0' memory='1' unit='GiB' memAccess='private'/><cell id='1' cpus='1' memory='1' unit='GiB'/></numa></cpu>";
  const m = machineOf(domain({ backing: shared, numa, devices: virtiofsExternal }));
  assert.deepEqual(errors(m), ["unsupported configuration: 'virtiofs' requires shared memory"]);
  assert.deepEqual(m.backends.map((b) => [b.id?.value, b.type.value, b.share.value]), [
    ['ram-node0', 'memory-backend-file', false],
    ['ram-node1', 'memory-backend-file', true],
  ]);
});

test('memoryBacking picks memfd, file or ram like libvirt, with share from the access mode', () => {
  const memfd = machineOf(domain({ backing: "  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>" })).backends[0];
  assert.deepEqual([memfd.type.value, memfd.share.value], ['memory-backend-memfd', true]);
  const privateFile = machineOf(domain({ backing: "  <memoryBacking><access mode='private'/></memoryBacking>" })).backends[0];
  assert.deepEqual([privateFile.type.value, privateFile.share.value], ['memory-backend-file', false]);
  const plain = machineOf(domain()).backends[0];
  assert.deepEqual([plain.type.value, plain.share.value, plain.share.origin], ['memory-backend-ram', false, 'default']);
  const huge = machineOf(domain({ backing: '  <memoryBacking><hugepages/></memoryBacking>' })).backends[0];
  assert.deepEqual([huge.type.value, huge.prealloc?.value], ['memory-backend-file', true]);
  const memfdDefaultShare = machineOf(domain({ backing: "  <memoryBacking><source type='memfd'/></memoryBacking>" })).backends[0];
  assert.deepEqual([memfdDefaultShare.share.value, memfdDefaultShare.share.origin], [true, 'default'], "QEMU's memfd default");
});

test('without guest NUMA: pc.ram backend named on -machine, -m is <memory>', () => {
  const m = machineOf(domain({ numa: '', maxMemory: '' }));
  assert.equal(m.machine.memoryBackend?.value, 'pc.ram');
  assert.equal(m.backends.length, 1);
  assert.equal(m.backends[0].id?.value, 'pc.ram');
  assert.equal(m.backends[0].size?.value, 2048 * MiB);
  assert.equal(m.memory.size?.value, 2048 * MiB);
  assert.equal(m.memory.slots, undefined);
});

test('-m size, slots and maxmem; memory devices align to 2 MiB', () => {
  const dimm = "<memory model='dimm'><target><size unit='KiB'>523264</size><node>0</node></target></memory>";
  const m = machineOf(domain({ devices: dimm }));
  assert.equal(m.memory.size?.value, 2048 * MiB);
  assert.equal(m.memory.slots?.value, 4);
  assert.equal(m.memory.maxmem?.value, 16384 * MiB);
  assert.equal(m.backends.find((b) => b.id?.value === 'memdimm0')?.size?.value, 512 * MiB, '523264 KiB rounds up to 512 MiB');
});

test('dimm and nvdimm aliases follow the slot; virtio devices count per model', () => {
  const devices = `
    <memory model='dimm'><target><size unit='MiB'>512</size><node>0</node></target></memory>
    <memory model='nvdimm'><source><path>/tmp/nv</path></source><target><size unit='MiB'>512</size><node>0</node></target></memory>
    <memory model='virtio-pmem' access='shared'><source><path>/tmp/pm</path></source><target><size unit='MiB'>512</size></target></memory>`;
  const m = machineOf(domain({ devices: devices + virtioMem() }));
  assert.deepEqual(errors(m), []);
  const mems = m.devices.filter((d): d is MemoryDevice => d.kind === 'memory-device');
  assert.deepEqual(mems.map((d) => [d.id?.value, d.driver.value, d.memdev?.value]), [
    ['dimm0', 'pc-dimm', 'memdimm0'],
    ['nvdimm1', 'nvdimm', 'memnvdimm1'],
    ['virtiopmem0', 'virtio-pmem-pci', 'memvirtiopmem0'],
    ['virtiomem0', 'virtio-mem-pci', 'memvirtiomem0'],
  ]);
  assert.equal(mems[2].node, undefined, 'virtio-pmem has no node');
  assert.ok(m.machine.properties.some((p) => p.key === 'nvdimm' && p.value === 'on'));
});

test('interfaces: implicit kernel vhost-net on virtio, none with driver qemu or a non-virtio model', () => {
  const devices = `
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <interface type='bridge'><source bridge='br0'/><model type='virtio'/><driver name='qemu'/></interface>
    <interface type='network'><source network='default'/><model type='e1000'/></interface>
    <interface type='vhostuser'><mac address='52:54:00:00:00:01'/><source type='unix' path='/tmp/vu.sock' mode='server'/><model type='virtio'/></interface>`;
  const m = machineOf(domain({ backing: shared, devices }));
  const netdevs = m.netdevs;
  assert.deepEqual(netdevs.map((n: Netdev) => [n.id?.value, n.type.value, n.vhost, n.displayName]), [
    ['hostnet0', 'tap', 'vhost-kernel', 'net0'],
    ['hostnet1', 'tap', undefined, 'net1'],
    ['hostnet2', 'tap', undefined, 'net2'],
    ['hostnet3', 'vhost-user', 'vhost-user', 'net3'],
  ]);
  assert.equal(netdevs[0].vhostOn?.origin, 'default', 'nobody wrote vhost');
  assert.equal(netdevs[3].chardev?.value, 'charnet3');
  const chardev = m.chardevs.find((c) => c.id?.value === 'charnet3');
  assert.equal(chardev?.path?.value, '/tmp/vu.sock');
  assert.equal(chardev?.server?.value, true);
  const nics = m.devices.filter((d) => d.kind === 'net-device');
  assert.deepEqual(nics.map((d) => [d.id?.value, d.driver.value]), [['net0', 'virtio-net-pci'], ['net1', 'virtio-net-pci'], ['net2', 'e1000'], ['net3', 'virtio-net-pci']]);
  assert.ok(netdevs[0].order < nics[0].order, 'netdev before its NIC');
});

test("interface type='network' with a virtio model gets kernel vhost-net whatever <virtualport> says", () => {
  // libvirt's argv for a network NIC is a tap netdev with "vhost":true (qemuInterfaceOpenVhostNet);
  // an Open vSwitch or 802.1Qbh port changes how the tap is wired, not the vhost-net device.
  const devices = `
    <interface type='network'><source network='ovs' portgroup='v10'/><virtualport type='openvswitch'><parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/></virtualport><model type='virtio'/></interface>
    <interface type='network'><source network='macvtap-net'/><virtualport type='802.1Qbh'><parameters profileid='p1'/></virtualport><model type='virtio-non-transitional'/></interface>
    <interface type='direct'><source dev='eth0' mode='vepa'/><virtualport type='802.1Qbg'><parameters managerid='11' typeid='1193047' typeidversion='2'/></virtualport><model type='virtio'/></interface>`;
  const m = machineOf(domain({ devices }));
  assert.deepEqual(m.netdevs.map((n: Netdev) => [n.id?.value, n.type.value, n.vhost]), [
    ['hostnet0', 'tap', 'vhost-kernel'], ['hostnet1', 'tap', 'vhost-kernel'], ['hostnet2', 'tap', 'vhost-kernel'],
  ]);
  assert.ok(m.netdevs.every((n) => n.properties.some((p) => p.key === 'vhost' && p.value === true)));
});

test('on a TCG domain, virtio NICs get no implicit vhost-net', () => {
  const m = machineOf(domain({ type: 'qemu', devices: "<interface type='network'><source network='default'/><model type='virtio'/></interface>" }));
  assert.equal(m.netdevs[0].vhost, undefined);
});

test('vhost-user disk, vsock, hostdev and vdpa in libvirt phase order, whatever the XML order', () => {
  const devices = `
    <vsock model='virtio'><cid auto='no' address='3'/></vsock>
    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/></source></hostdev>
    <interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/><model type='virtio'/></interface>
    <disk type='vhostuser' device='disk'><source type='unix' path='/tmp/blk.sock'/><target dev='vdb' bus='virtio'/></disk>`;
  const text = domain({ backing: shared, devices: devices + virtioMem() });
  const m = machineOf(text);
  assert.deepEqual(errors(m), []);
  const sequence = [...m.devices.map((d) => ({ order: d.order, what: `${d.kind}:${d.id?.value}` })), ...m.netdevs.map((n) => ({ order: n.order, what: `netdev:${n.id?.value}` }))]
    .sort((a, b) => a.order - b.order).map((x) => x.what);
  assert.deepEqual(sequence, [
    'memory-device:virtiomem0',
    'vhost-device:virtio-disk1',
    'netdev:hostnet0',
    'net-device:net0',
    'vfio-device:hostdev0',
    'vhost-device:vsock0',
  ]);
  const vfio = m.devices.find((d) => d.kind === 'vfio-device');
  assert.equal(vfio?.kind === 'vfio-device' ? vfio.host?.value : undefined, '0000:06:12.5');
  assert.equal(m.netdevs[0].vhost, 'vhost-vdpa');
  assert.equal(m.netdevs[0].vhostdev?.value, '/dev/vhost-vdpa-0');
});

test('a user alias (ua-...) becomes the id, pointing at the attribute value', () => {
  const text = domain({ backing: shared, devices: virtiofsExternal.replace("<target dir='share'/>", "<target dir='share'/><alias name='ua-share'/>") });
  const fs = machineOf(text).devices.find((d) => d.kind === 'vhost-device');
  assert.equal(fs?.id?.value, 'ua-share');
  assert.deepEqual(fs?.id?.range, rangeOf(text, 'ua-share'));
});

test("libvirt's virtio-mem checks, at the offending element", () => {
  const bad = `
    <memory model='virtio-mem'>
      <target>
        <size unit='GiB'>4</size>
        <node>0</node>
        <block unit='KiB'>3000</block>
        <requested unit='GiB'>1</requested>
      </target>
    </memory>`;
  const text = domain({ devices: bad });
  const m = machineOf(text);
  assert.deepEqual(errors(m), ['unsupported configuration: block size must be a power of two']);
  assert.deepEqual(m.diagnostics.find((d) => d.severity === 'error')?.range, rangeOf(text, '3000'));
  const notMultiple = machineOf(domain({ devices: bad.replace('3000', '4096').replace("<requested unit='GiB'>1</requested>", "<requested unit='KiB'>6144</requested>") }));
  assert.deepEqual(errors(notMultiple), ['unsupported configuration: requested size must be an integer multiple of block size']);
  const tooBig = machineOf(domain({ devices: bad.replace('3000', '2048').replace("<requested unit='GiB'>1</requested>", "<requested unit='GiB'>5</requested>") }));
  assert.deepEqual(errors(tooBig), ['unsupported configuration: requested size must be smaller than or equal to @size (4194304KiB)']);
});

test('memory hotplug needs guest NUMA; dimms need slots; memory devices need maxMemory', () => {
  const noNuma = machineOf(domain({ numa: '' }));
  assert.deepEqual(errors(noNuma), ['unsupported configuration: At least one numa node has to be configured when enabling memory hotplug']);
  const dimm = "<memory model='dimm'><target><size unit='MiB'>512</size><node>0</node></target></memory>";
  const noSlots = machineOf(domain({ maxMemory: "  <maxMemory unit='GiB'>16</maxMemory>", devices: dimm }));
  // libvirt 11.3 gives DIMMs their slots while reading the domain, before it validates the count (the libvirt oracle shows it).
  assert.deepEqual(errors(noSlots), ['internal error: failed to find an empty memory slot']);
  const noMax = machineOf(domain({ maxMemory: '', devices: dimm }));
  assert.deepEqual(errors(noMax), ["unsupported configuration: cannot use/hotplug a memory device when domain 'maxMemory' is not defined"]);
  // virtio-mem takes no slot: maxMemory without slots is fine.
  const virtio = machineOf(domain({ maxMemory: "  <maxMemory unit='GiB'>16</maxMemory>", devices: virtioMem() }));
  assert.deepEqual(errors(virtio), []);
  assert.equal(virtio.memory.slots, undefined);
});

test('virtio-pmem needs shared access; vhost-user disk needs shared memory', () => {
  const pmem = "<memory model='virtio-pmem'><source><path>/tmp/pm</path></source><target><size unit='MiB'>512</size></target></memory>";
  assert.deepEqual(errors(machineOf(domain({ devices: pmem }))), ['unsupported configuration: shared access mode required for virtio-pmem device']);
  const disk = "<disk type='vhostuser' device='disk'><source type='unix' path='/tmp/blk.sock'/><target dev='vda' bus='virtio'/></disk>";
  assert.deepEqual(errors(machineOf(domain({ devices: disk }))), ["unsupported configuration: 'vhostuser' requires shared memory"]);
});

test('firmware, SMM, machine type, arch and accelerator', () => {
  const text = [
    "<domain type='kvm'><name>g</name><memory unit='GiB'>1</memory>",
    "<os firmware='efi'><type arch='x86_64' machine='pc-q35-9.1'>hvm</type><loader type='pflash' readonly='yes'>/usr/share/OVMF/OVMF_CODE.fd</loader></os>",
    "<features><smm state='off'/></features>",
    "<cpu mode='host-passthrough'><maxphysaddr mode='emulate' bits='42'/></cpu>",
    '</domain>',
  ].join('\n');
  const m = machineOf(text);
  assert.equal(m.arch, 'x86_64');
  assert.equal(m.machine.type?.value, 'pc-q35-9.1');
  assert.equal(m.machine.smm?.value, 'off');
  assert.equal(m.machine.smm?.origin, 'written');
  assert.equal(m.firmware.kind, 'efi');
  assert.equal(m.firmware.loader?.value, '/usr/share/OVMF/OVMF_CODE.fd');
  assert.equal(m.accelerators[0].value, 'kvm');
  assert.equal(m.cpu.model?.value, 'host');
  assert.equal(m.cpu.physBits?.value, 42);
});

test('a document that is not a domain, or not XML, yields no machine and a finding', () => {
  const network = parseLibvirtDomain('<network><name>x</name></network>');
  assert.equal(network.machines.length, 0);
  assert.equal(network.diagnostics.length, 1);
  const garbage = parseLibvirtDomain('qemu-system-x86_64 -m 1G');
  assert.equal(garbage.machines.length, 0);
  assert.ok(garbage.diagnostics.length > 0);
});
