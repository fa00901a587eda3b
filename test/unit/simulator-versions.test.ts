// QEMU version profiles, the rhel flavour, old machine types (docs/facts/virtio-mem.md#unplugged-inaccessible,
// docs/facts/test-vectors.md T16/T17).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, type Simulation } from '../../server/src/simulator';
import { GiB, machine, sharedBase } from './simulator-builders';
import type { MachineModel } from '../../server/src/model';

function run(model: MachineModel, ...args: string[]): Simulation {
  const parsed = parseProfileOptions(['--smm', 'off', ...args]);
  assert.deepEqual(parsed.errors, []);
  return simulate(model, applyProfileOptions(defaultHostProfile(), parsed.overrides, 'cli'));
}

const t16 = (type: string, backend: 'memory-backend-ram' | 'memory-backend-memfd') =>
  machine({ type, ram: GiB, maxmem: 9 * GiB }).backend(backend, 'm0', 8 * GiB).virtioMem('v0', 'm0', { dynamic: true }).build();

test('T16: pc-q35-8.0 with plain memory-backend-ram: dynamic-memslots needs unplugged-inaccessible', () => {
  const sim = run(t16('pc-q35-8.0', 'memory-backend-ram'));
  assert.equal(sim.outcome, 'refused');
  assert.equal(sim.refusedBy, 'v0');
  assert.equal(sim.error, "'dynamic-memslots' property set to 'on' requires 'unplugged-inaccessible' to be 'on'");
});

test('T16: memfd on pc-q35-8.0 starts; pc-q35-8.1 starts with either backend', () => {
  assert.equal(run(t16('pc-q35-8.0', 'memory-backend-memfd')).outcome, 'starts');
  assert.equal(run(t16('pc-q35-8.1', 'memory-backend-ram')).outcome, 'starts');
  assert.equal(run(t16('pc-q35-8.1', 'memory-backend-memfd')).outcome, 'starts');
});

test('T17: pc-q35-6.2 with memfd warns about the shared zeropage, then refuses', () => {
  const sim = run(t16('pc-q35-6.2', 'memory-backend-memfd'));
  assert.equal(sim.error, "'dynamic-memslots' property set to 'on' requires 'unplugged-inaccessible' to be 'on'");
  const plug = sim.events.find((e) => e.id === 'v0');
  assert.deepEqual(plug?.warnings, ["'unplugged-inaccessible' property set to 'off' with a memdev that does not support the shared zeropage."]);
});

test('explicit unplugged-inaccessible=on rescues an old machine type', () => {
  const model = machine({ type: 'pc-q35-6.2', ram: GiB, maxmem: 9 * GiB }).backend('memory-backend-ram', 'm0', 8 * GiB)
    .virtioMem('v0', 'm0', { dynamic: true, unpluggedInaccessible: true }).build();
  assert.equal(run(model).outcome, 'starts');
});

const vmemThenVhostUser = () => sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB)
  .virtioMem('vm0', 'vmem0', { requested: GiB, dynamic: true }).vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();

test('QEMU 8.1 has no dynamic-memslots property', () => {
  const sim = run(vmemThenVhostUser(), '--vhost-user', 'vu.sock=32', '--qemu', '8.1');
  assert.equal(sim.outcome, 'refused');
  assert.equal(sim.refusedBy, 'vm0');
  assert.equal(sim.error, "Property 'virtio-mem-pci.dynamic-memslots' not found");
});

test('QEMU 8.1: a virtio-mem without the option is 1 memslot and a 32-slot back-end starts', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { requested: GiB })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const sim = run(model, '--vhost-user', 'vu.sock=32', '--qemu', '8.1.5');
  assert.equal(sim.outcome, 'starts');
  assert.deepEqual([sim.memoryDevices[0].memslots, sim.memoryDevices[0].mapped], [1, 1]);
});

test('QEMU 8.1 wording: "a used vhost backend has no free memory slots left" and the legacy check B', () => {
  // 8 slots, boot RAM 2 regions + 6 DIMMs = 8 used: the 7th DIMM needs limit > used.
  const dimmsAfter = sharedBase(8).vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').dimms(7).build();
  const sim = run(dimmsAfter, '--vhost-user', 'vu.sock=nocfg', '--qemu', '8.1');
  assert.equal(sim.refusedBy, 'dimm6');
  assert.equal(sim.error, 'a used vhost backend has no free memory slots left');
  const before = run(sharedBase(8).dimms(7).vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build(), '--vhost-user', 'vu.sock=nocfg', '--qemu', '8.1');
  assert.equal(before.error, 'vhost backend memory slots limit is less than current number of present memory slots');
});

test('QEMU 8.0 and older: the older "no device memory" message', () => {
  const noMaxmem = machine({ type: 'q35', ram: 4 * GiB }).backend('memory-backend-ram', 'm0', 8 * GiB).virtioMem('v0', 'm0').build();
  assert.equal(run(noMaxmem, '--qemu', '8.0').error, 'memory devices (e.g. for memory hotplug) are not enabled, please specify the maxmem option');
  assert.equal(run(noMaxmem).error, 'the configuration is not prepared for memory devices (e.g., for memory hotplug), consider specifying the maxmem option');
});

test('vhost-user cap: 512 since 8.1, 256 before', () => {
  const model = sharedBase().vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  assert.equal(run(model, '--vhost-user', 'vu.sock=1000').consumers.find((c) => c.id === 'fs0')?.limit, 512);
  assert.equal(run(model, '--vhost-user', 'vu.sock=1000', '--qemu', '8.0').consumers.find((c) => c.id === 'fs0')?.limit, 256);
});

test('rhel flavour: dynamic-memslots defaults on, so an unwritten option still refuses a 32-slot back-end', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { requested: GiB })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const upstream = run(model, '--vhost-user', 'vu.sock=32');
  assert.equal(upstream.outcome, 'starts');
  assert.equal(upstream.memoryDevices[0].dynamicMemslotsSource, 'default');
  const rhel = run(model, '--vhost-user', 'vu.sock=32', '--qemu-flavor', 'rhel');
  assert.equal(rhel.outcome, 'refused');
  assert.equal(rhel.memoryDevices[0].memslots, 16);
  assert.equal(rhel.memoryDevices[0].dynamicMemslotsSource, 'flavour-default');
  // written off wins over the flavour
  const off = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: false })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  assert.equal(run(off, '--vhost-user', 'vu.sock=32', '--qemu-flavor', 'rhel').outcome, 'starts');
});

test('-global virtio-mem.dynamic-memslots=on applies to virtio-mem-pci', () => {
  const model = sharedBase().global('virtio-mem', 'dynamic-memslots', 'on').backend('memory-backend-memfd', 'vmem0', 64 * GiB)
    .virtioMem('vm0', 'vmem0').build();
  const sim = run(model);
  assert.equal(sim.memoryDevices[0].memslots, 16);
  assert.equal(sim.memoryDevices[0].dynamicMemslotsSource, 'global');
});

test('memory-backend-ram,share=on is visible to vhost-user from QEMU 10.0 only', () => {
  const model = machine({ type: 'q35', ram: 4 * GiB, maxmem: 64 * GiB, slots: 8, memoryBackend: 'mem0' })
    .backend('memory-backend-ram', 'mem0', 4 * GiB, { share: true }).vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  assert.equal(run(model, '--vhost-user', 'vu.sock=509').consumers.find((c) => c.id === 'fs0')?.used, 3);
  assert.equal(run(model, '--vhost-user', 'vu.sock=509', '--qemu', '9.2').consumers.find((c) => c.id === 'fs0')?.used, 0);
});

test('SMM adds a second KVM address space with one more slot', () => {
  const model = machine({ type: 'q35', ram: 4 * GiB }).build();
  const withSmm = simulate(model, defaultHostProfile());
  assert.deepEqual(withSmm.consumers.map((c) => [c.id, c.used]), [['kvm', 6], ['kvm-smram', 7]]);
  const machineOff = machine({ type: 'q35', ram: 4 * GiB, smm: 'off' }).build();
  assert.deepEqual(simulate(machineOff, defaultHostProfile()).consumers.map((c) => c.id), ['kvm']);
});
