// Hot-plug after start (docs/facts/hotplug.md#hot-plug-commands).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, type HotplugEvent, type Simulation } from '../../server/src/simulator';
import { backendItem, chardevItem, GiB, memoryDeviceItem, netdevItem, sharedBase, vhostDeviceItem } from './simulator-builders';
import type { MachineModel } from '../../server/src/model';

const checkA =
  'some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots';

function run(model: MachineModel, hotplug: HotplugEvent[], ...args: string[]): Simulation {
  const parsed = parseProfileOptions(['--smm', 'off', '--vhost-user', 'vu.sock=32', ...args]);
  return simulate(model, applyProfileOptions(defaultHostProfile(), parsed.overrides, 'cli'), hotplug);
}

const withVmem = () => sharedBase().genericDevice('pcie-root-port', 'rp0')
  .backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true, requested: GiB });

test('vu32-hotplug-after-vmem: device_add vhost-user-fs-pci is refused with check A; the VM keeps running', () => {
  const sim = run(withVmem().build(), [
    { kind: 'chardev-add', chardev: chardevItem('hc0', '/tmp/oracle/vu.sock') },
    { kind: 'device_add', device: vhostDeviceItem('hfs0', 'vhost-user-fs-pci', 'vhost-user', { chardev: 'hc0', bus: 'rp0' }) },
  ]);
  assert.equal(sim.outcome, 'starts');
  assert.deepEqual(sim.hotplugErrors.map((e) => [e.id, e.error, e.hang]), [['hfs0', checkA, false]]);
  assert.equal(sim.memoryDevices[0].memslots, 16);
});

test('vunet32-hotplug-after-vmem: netdev_add vhost-user hangs (endless reconnect)', () => {
  const sim = run(withVmem().build(), [
    { kind: 'chardev-add', chardev: chardevItem('hc0', '/tmp/oracle/vu.sock') },
    { kind: 'netdev_add', netdev: netdevItem('hn0', 'vhost-user', { chardev: 'hc0' }) },
  ]);
  assert.equal(sim.outcome, 'starts');
  assert.deepEqual(sim.hotplugErrors.map((e) => [e.id, e.hang]), [['hn0', true]]);
  const event = sim.events.find((e) => e.id === 'hn0');
  assert.deepEqual(event?.warnings, ['failed to init vhost_net for queue 0']);
});

test('a virtio PCI device hot-plugged onto q35 pcie.0 is refused', () => {
  const sim = run(withVmem().build(), [
    { kind: 'chardev-add', chardev: chardevItem('hc0', '/tmp/other.sock') },
    { kind: 'device_add', device: vhostDeviceItem('hfs0', 'vhost-user-fs-pci', 'vhost-user', { chardev: 'hc0' }) },
  ]);
  assert.equal(sim.hotplugErrors[0].error, "Bus 'pcie.0' does not support hotplugging");
});

test('T14: limit 3, 4 GiB memfd boot RAM (3 regions after reset): device_add pc-dimm is refused', () => {
  const model = sharedBase().vhostUserFs('fs0', 'vu0', '/tmp/vu3.sock').build();
  const sim = run(model, [
    { kind: 'object_add', backend: backendItem('memory-backend-ram', 'd0', GiB) },
    { kind: 'device_add', device: memoryDeviceItem('pc-dimm', 'dimm0', 'd0') },
  ], '--vhost-user', 'vu3.sock=3');
  assert.equal(sim.outcome, 'starts');
  assert.deepEqual(sim.hotplugErrors.map((e) => e.error), ['a used vhost backend has not enough free memory slots left']);
  assert.equal(sim.consumers.find((c) => c.id === 'fs0')?.headroom, 0);
});

test('device_add of a dynamic virtio-mem after start decides with the vhost device already present', () => {
  const model = sharedBase().genericDevice('pcie-root-port', 'rp0').vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const sim = run(model, [
    { kind: 'object_add', backend: backendItem('memory-backend-memfd', 'vmem0', 64 * GiB) },
    { kind: 'device_add', device: memoryDeviceItem('virtio-mem', 'vm0', 'vmem0', { dynamic: true, bus: 'rp0' }) },
  ]);
  assert.deepEqual(sim.hotplugErrors, []);
  assert.equal(sim.memoryDevices[0].memslots, 1);
});

test('qom-set requested-size: a new target maps nothing until the guest acts (QEMU 10.0.2, paused)', () => {
  // fs0 (509 slots) first, so virtio-mem decides 16 memslots of 4 GiB
  const model = sharedBase().genericDevice('pcie-root-port', 'rp0').vhostUserFs('fs0', 'vu0', '/tmp/vu509.sock')
    .backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true, requested: GiB }).build();
  const sim = run(model, [{ kind: 'qom-set', id: 'vm0', property: 'requested-size', value: 10 * GiB }], '--vhost-user', 'vu509.sock=509');
  const vm0 = sim.memoryDevices[0];
  assert.deepEqual([vm0.memslots, vm0.mapped, vm0.requestedSize, vm0.mappedAfterGuestPlug], [16, 0, 10 * GiB, 3]);
  // KVM: 6 after reset; vhost-user: 3; all 16 memslots reserved
  assert.equal(sim.consumers.find((c) => c.id === 'kvm')?.used, 6);
  assert.equal(sim.consumers.find((c) => c.id === 'fs0')?.used, 3);
  assert.equal(sim.machine.reservedMemslots, 16);
  assert.equal(sim.consumers.find((c) => c.id === 'fs0')?.headroom, 509 - 3 - 16);
});

test('qom-set requested-size not a multiple of the block size, or beyond the backend, is refused', () => {
  const sim = run(withVmem().build(), [
    { kind: 'qom-set', id: 'vm0', property: 'requested-size', value: GiB + 1024 * 1024 },
    { kind: 'qom-set', id: 'vm0', property: 'requested-size', value: 128 * GiB },
  ]);
  assert.deepEqual(sim.hotplugErrors.map((e) => e.error), [
    "'requested-size' has to be multiples of 'block-size' (0x200000)",
    "'requested-size' cannot exceed the memory backend size(0x1000000000)",
  ]);
});

test('device_del of virtio-mem: refused while requested-size is not 0, a request after; a second request is pending', () => {
  const sim = run(withVmem().build(), [
    { kind: 'device_del', id: 'vm0' },
    { kind: 'qom-set', id: 'vm0', property: 'requested-size', value: 0 },
    { kind: 'device_del', id: 'vm0' },
    { kind: 'device_del', id: 'vm0' },
  ]);
  assert.deepEqual(sim.hotplugErrors.map((e) => e.error), [
    "virtio-mem device cannot get unplugged while 'requested-size' != '0'",
    'Device vm0 is already in the process of unplug',
  ]);
  // An unplug request leaves the device until the guest ejects it: its decision still stands.
  assert.equal(sim.memoryDevices[0].status, 'plugged');
  assert.equal(sim.machine.autoDecisionActive, true);
});

test('8.2–10.0 tracking bug: removing a vhost device zeroes its kind\'s used count; 10.1 keeps it', () => {
  // two vhost-user back-ends with limit 4; boot RAM 3 regions after reset → 1 free slot.
  // netdev_del removes a vhost device at once (device_del only asks the guest to eject it).
  const twoBackends = () => sharedBase(8).vhostUserFs('fs0', 'vu0', '/tmp/a.sock').chardev('vu1', '/tmp/b.sock').netdev('net1', 'vhost-user', { chardev: 'vu1' }).build();
  const model = twoBackends();
  const steps: HotplugEvent[] = [
    { kind: 'netdev_del', id: 'net1' },
    { kind: 'object_add', backend: backendItem('memory-backend-memfd', 'd0', GiB) },
    { kind: 'device_add', device: memoryDeviceItem('pc-dimm', 'dimm0', 'd0') },
    { kind: 'object_add', backend: backendItem('memory-backend-memfd', 'd1', GiB) },
    { kind: 'device_add', device: memoryDeviceItem('pc-dimm', 'dimm1', 'd1') },
  ];
  const buggy = run(model, steps, '--vhost-user', '/tmp/?.sock=4', '--qemu', '10.0');
  // 10.0: after the removal fs0's count reads 0, so dimm0 passes; its mapping recounts (4), dimm1 fails.
  assert.deepEqual(buggy.hotplugErrors.map((e) => e.id), ['dimm1']);
  const fixed = run(model, steps, '--vhost-user', '/tmp/?.sock=4', '--qemu', '10.1');
  assert.deepEqual(fixed.hotplugErrors.map((e) => e.id), ['dimm1']);
  const fixedTight = run(twoBackends(), steps, '--vhost-user', '/tmp/?.sock=3', '--qemu', '10.1');
  assert.deepEqual(fixedTight.hotplugErrors.map((e) => e.id), ['dimm0', 'dimm1']);
  const buggyTight = run(twoBackends(), steps, '--vhost-user', '/tmp/?.sock=3', '--qemu', '10.0');
  assert.deepEqual(buggyTight.hotplugErrors.map((e) => e.id), ['dimm1']);
});

test('a refused start runs no hot-plug step', () => {
  const model = withVmem().vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const sim = run(model, [{ kind: 'qom-set', id: 'vm0', property: 'requested-size', value: 2 * GiB }]);
  assert.equal(sim.outcome, 'refused');
  assert.ok(!sim.events.some((e) => e.phase === 'hotplug'));
});
