// The scenarios measured on real QEMU 10.0.2 + KVM (no SMM on that host):
// the project's first oracle runs (docs/facts/README.md#sources; test/oracle/ runs them again).
// Expected values are the measured ones, copied by hand; each scenario is built the way that
// harness built its argv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, type Simulation } from '../../server/src/simulator';
import { GiB, hotplugBase, machine, sharedBase, type MachineBuilder } from './simulator-builders';
import type { MachineModel } from '../../server/src/model';

const checkA =
  'some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots';

function oracleHost(...args: string[]) {
  const parsed = parseProfileOptions(['--smm', 'off', ...args]);
  assert.deepEqual(parsed.errors, []);
  return applyProfileOptions(defaultHostProfile(), parsed.overrides, 'cli');
}

function run(model: MachineModel, ...args: string[]): Simulation {
  return simulate(model, oracleHost(...args));
}

function kvm(sim: Simulation): number | undefined {
  return sim.consumers.find((c) => c.id === 'kvm')?.used;
}

function vhost(sim: Simulation, id: string) {
  const consumer = sim.consumers.find((c) => c.id === id);
  assert.ok(consumer, `consumer ${id}`);
  return consumer;
}

const vmemRamDyn = (b: MachineBuilder) => b.backend('memory-backend-ram', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { requested: GiB, dynamic: true });
const vmemRamStatic = (b: MachineBuilder) => b.backend('memory-backend-ram', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { requested: GiB });
const vmemFdDyn = (b: MachineBuilder, size = 64 * GiB) => b.backend('memory-backend-memfd', 'vmem0', size, { share: true }).virtioMem('vm0', 'vmem0', { requested: GiB, dynamic: true });
const vmemFdStatic = (b: MachineBuilder) => b.backend('memory-backend-memfd', 'vmem0', 64 * GiB, { share: true }).virtioMem('vm0', 'vmem0', { requested: GiB });
const vufs = (b: MachineBuilder, sock = 'vu.sock', n = 0) => b.vhostUserFs(`fs${n}`, `vu${n}`, `/tmp/oracle/${sock}`);

test('plain q35 / pc, -m 4G: 6 KVM slots when paused', () => {
  assert.equal(kvm(run(machine({ type: 'q35', ram: 4 * GiB }).build())), 6);
  assert.equal(kvm(run(machine({ type: 'pc', ram: 4 * GiB }).build())), 6);
  // docs/facts/x86-address-space.md#before-and-after-reset: q35 -m 1G -nodefaults paused: 5
  assert.equal(kvm(run(machine({ type: 'q35', ram: GiB }).build())), 5);
});

test('maxmem=1T without memory devices: 6; one and two pc-dimms: 7 and 8', () => {
  assert.equal(kvm(run(hotplugBase().build())), 6);
  assert.equal(kvm(run(hotplugBase().dimms(1, 'memory-backend-ram').build())), 7);
  assert.equal(kvm(run(hotplugBase().dimms(2, 'memory-backend-ram').build())), 8);
});

test('vmem-static: dynamic-memslots=off maps 1 memslot at plug (KVM 7)', () => {
  const sim = run(vmemRamStatic(hotplugBase()).build());
  assert.equal(sim.outcome, 'starts');
  assert.equal(kvm(sim), 7);
  assert.deepEqual(sim.memoryDevices.map((d) => [d.id, d.memslots, d.mapped]), [['vm0', 1, 1]]);
});

test('vmem-dynamic: 16 memslots of 4 GiB, none mapped, KVM 6', () => {
  const sim = run(vmemRamDyn(hotplugBase()).build());
  assert.equal(kvm(sim), 6);
  const [vm0] = sim.memoryDevices;
  assert.deepEqual([vm0.memslots, vm0.mapped, vm0.memslotSize], [16, 0, 4 * GiB]);
  const decision = sim.events.flatMap((e) => e.decisions).find((d) => d.what === 'decision-limit');
  assert.equal(decision?.explanation, 'limit 16 = floor(256 × 64 GiB / 1020 GiB)');
});

test('vmem-dynamic-whole-space: 64 GiB of 64 GiB → 64 memslots of 1 GiB', () => {
  const sim = run(vmemRamDyn(machine({ type: 'q35', ram: 4 * GiB, maxmem: 68 * GiB, slots: 4 })).build());
  assert.deepEqual([sim.memoryDevices[0].memslots, sim.memoryDevices[0].memslotSize], [64, GiB]);
});

test('vmem-dynamic 4G / 8G backends: 1 and 2 memslots', () => {
  const with4 = run(hotplugBase().backend('memory-backend-ram', 'vmem0', 4 * GiB).virtioMem('vm0', 'vmem0', { requested: GiB, dynamic: true }).build());
  assert.deepEqual([with4.memoryDevices[0].memslots, with4.memoryDevices[0].memslotSize], [1, 4 * GiB]);
  const with8 = run(hotplugBase().backend('memory-backend-ram', 'vmem0', 8 * GiB).virtioMem('vm0', 'vmem0', { requested: GiB, dynamic: true }).build());
  assert.deepEqual([with8.memoryDevices[0].memslots, with8.memoryDevices[0].memslotSize], [2, 4 * GiB]);
});

test('vmem-dynamic-2dimms: 15 memslots of 4582277120 B, KVM 8', () => {
  const sim = run(vmemRamDyn(hotplugBase().dimms(2, 'memory-backend-ram')).build());
  assert.equal(kvm(sim), 8);
  const vm0 = sim.memoryDevices.find((d) => d.id === 'vm0');
  assert.deepEqual([vm0?.memslots, vm0?.memslotSize], [15, 4582277120]);
});

test('vu32-after-vmem: refused by fs0 with check A and the hint', () => {
  const sim = run(vufs(vmemFdDyn(sharedBase())).build(), '--vhost-user', 'vu.sock=32');
  assert.equal(sim.outcome, 'refused');
  assert.equal(sim.refusedBy, 'fs0');
  assert.equal(sim.error, checkA);
  assert.equal(sim.refusal?.hint, 'Try plugging this vhost backend before plugging such memory devices.');
  assert.equal(sim.reason, 'auto-decision-refuses-vhost');
  assert.equal(sim.refusal?.option, '-device');
});

test('vu8 (no CONFIGURE_MEM_SLOTS) and vu508 after vmem: refused; vu509: starts with 16 memslots', () => {
  for (const limit of ['nocfg', '508']) {
    const sim = run(vufs(vmemFdDyn(sharedBase())).build(), '--vhost-user', `vu.sock=${limit}`);
    assert.equal(sim.error, checkA, limit);
  }
  const ok = run(vufs(vmemFdDyn(sharedBase())).build(), '--vhost-user', 'vu.sock=509');
  assert.equal(ok.outcome, 'starts');
  assert.equal(ok.memoryDevices[0].memslots, 16);
  assert.equal(kvm(ok), 6);
  const fs0 = vhost(ok, 'fs0');
  assert.deepEqual([fs0.usedAtInit, fs0.used, fs0.limit], [2, 3, 509]);
});

test('vu32-before-vmem: starts, virtio-mem decides 1 memslot of 64 GiB', () => {
  const sim = run(vmemFdDyn(vufs(sharedBase())).build(), '--vhost-user', 'vu.sock=32');
  assert.equal(sim.outcome, 'starts');
  assert.deepEqual([sim.memoryDevices[0].memslots, sim.memoryDevices[0].memslotSize], [1, 64 * GiB]);
  const fs0 = vhost(sim, 'fs0');
  assert.deepEqual([fs0.usedAtInit, fs0.used], [2, 3]);
  assert.equal(sim.events.flatMap((e) => e.decisions).find((d) => d.what === 'decision-limit')?.result, 1);
});

test('vu509-before-vmem: 16 memslots', () => {
  const sim = run(vmemFdDyn(vufs(sharedBase())).build(), '--vhost-user', 'vu.sock=509');
  assert.equal(sim.memoryDevices[0].memslots, 16);
});

test('vu32-after-vmem-static: starts, KVM 7, vhost 3 → 4', () => {
  const sim = run(vufs(vmemFdStatic(sharedBase())).build(), '--vhost-user', 'vu.sock=32');
  assert.equal(sim.outcome, 'starts');
  assert.equal(kvm(sim), 7);
  const fs0 = vhost(sim, 'fs0');
  assert.deepEqual([fs0.usedAtInit, fs0.used], [3, 4]);
});

test('vmem 8G dyn (2 memslots) then vu32: refused; 4G dyn (1 memslot) then vu32: starts', () => {
  const refused = run(vufs(vmemFdDyn(sharedBase(), 8 * GiB)).build(), '--vhost-user', 'vu.sock=32');
  assert.equal(refused.error, checkA);
  const starts = run(vufs(vmemFdDyn(sharedBase(), 4 * GiB)).build(), '--vhost-user', 'vu.sock=32');
  assert.equal(starts.outcome, 'starts');
  assert.deepEqual([vhost(starts, 'fs0').usedAtInit, vhost(starts, 'fs0').used], [2, 3]);
});

test('vunet32-argv-after-vmem: a -netdev vhost-user starts before every -device', () => {
  const b = vmemFdDyn(sharedBase()).chardev('vn0', '/tmp/oracle/vu.sock').netdev('net0', 'vhost-user', { chardev: 'vn0' });
  const sim = run(b.build(), '--vhost-user', 'vu.sock=32');
  assert.equal(sim.outcome, 'starts');
  assert.deepEqual([sim.memoryDevices[0].memslots, sim.memoryDevices[0].memslotSize], [1, 64 * GiB]);
  const net0 = vhost(sim, 'net0');
  assert.deepEqual([net0.usedAtInit, net0.used], [0, 3]);
  const order = sim.events.filter((e) => e.id === 'net0' || e.id === 'vm0').map((e) => e.id);
  assert.deepEqual(order, ['net0', 'vm0']);
});

test('vu8-then-7dimms: dimm6 refused, a used vhost backend has not enough free memory slots left', () => {
  const sim = run(vufs(sharedBase(8)).dimms(7).build(), '--vhost-user', 'vu.sock=nocfg');
  assert.equal(sim.outcome, 'refused');
  assert.equal(sim.refusedBy, 'dimm6');
  assert.equal(sim.error, 'a used vhost backend has not enough free memory slots left');
});

test('7dimms-then-vu8: refused by check B with used (9) and reserved (0)', () => {
  const sim = run(vufs(sharedBase(8).dimms(7)).build(), '--vhost-user', 'vu.sock=nocfg');
  assert.equal(sim.refusedBy, 'fs0');
  assert.equal(sim.error, 'vhost backend memory slots limit (8) is less than current number of used (9) and reserved (0) memory slots for memory devices.');
});

test('6dimms-then-vu8: starts with 8 regions at init, 9 after reset (flagged, not refused), KVM 12', () => {
  const sim = run(vufs(sharedBase(8).dimms(6)).build(), '--vhost-user', 'vu.sock=nocfg');
  assert.equal(sim.outcome, 'starts');
  assert.equal(kvm(sim), 12);
  const fs0 = vhost(sim, 'fs0');
  assert.deepEqual([fs0.usedAtInit, fs0.used, fs0.overLimitAfterReset], [8, 9, true]);
  assert.ok(sim.events.some((e) => e.action === 'reset' && e.result === 'warning'));
});

test('7ramdimms-then-vu8: non-shared memory is invisible to vhost-user (KVM 13, vhost 2 → 3)', () => {
  const sim = run(vufs(sharedBase(8).dimms(7, 'memory-backend-ram')).build(), '--vhost-user', 'vu.sock=nocfg');
  assert.equal(sim.outcome, 'starts');
  assert.equal(kvm(sim), 13);
  const fs0 = vhost(sim, 'fs0');
  assert.deepEqual([fs0.usedAtInit, fs0.used], [2, 3]);
});

test('reserved-demo: used (8) and reserved (1)', () => {
  const b = vufs(vmemFdDyn(vufs(sharedBase(8))).dimms(6), 'vu8.sock', 1);
  const sim = run(b.build(), '--vhost-user', 'vu.sock=32', '--vhost-user', 'vu8.sock=nocfg');
  assert.equal(sim.refusedBy, 'fs1');
  assert.equal(sim.error, 'vhost backend memory slots limit (8) is less than current number of used (8) and reserved (1) memory slots for memory devices.');
});

test('qsd-blk-after-vmem: a 509-slot back-end starts, 16 memslots', () => {
  const b = vmemFdDyn(sharedBase()).chardev('qsd', '/tmp/oracle/qsd.sock').vhostDevice('blk0', 'vhost-user-blk-pci', 'vhost-user', { chardev: 'qsd' });
  const sim = run(b.build(), '--vhost-user', 'qsd.sock=509');
  assert.equal(sim.outcome, 'starts');
  assert.equal(sim.memoryDevices[0].memslots, 16);
  assert.deepEqual(sim.unknownBackends, []);
});

test('dpdk-net-argv: an 8-slot netdev makes virtio-mem decide 1', () => {
  const b = vmemFdDyn(sharedBase()).chardev('dp', '/tmp/oracle/dpdk.sock').netdev('dpn', 'vhost-user', { chardev: 'dp' });
  const sim = run(b.build(), '--vhost-user', 'dp=nocfg');
  assert.equal(sim.outcome, 'starts');
  assert.equal(sim.memoryDevices[0].memslots, 1);
  assert.equal(vhost(sim, 'dpn').limit, 8);
});

test('T11–T13: check B on a 1-slot back-end with used 2, reserved 0 / 1, used 3', () => {
  const t11 = run(sharedBase().vhostDevice('vub0', 'vhost-user-blk-pci', 'vhost-user', { chardev: 'c0' }).chardev('c0', '/tmp/s').build(), '--vhost-user', 'c0=1');
  // chardev declared after the device in the builder, like any -chardev; chardevs exist before devices.
  assert.equal(t11.error, 'vhost backend memory slots limit (1) is less than current number of used (2) and reserved (0) memory slots for memory devices.');
  const t12 = run(sharedBase().backend('memory-backend-memfd', 'v', GiB).virtioMem('vm0', 'v', { dynamic: true }).chardev('c0', '/tmp/s')
    .vhostDevice('vub0', 'vhost-user-blk-pci', 'vhost-user', { chardev: 'c0' }).build(), '--vhost-user', 'c0=1');
  assert.equal(t12.error, 'vhost backend memory slots limit (1) is less than current number of used (2) and reserved (1) memory slots for memory devices.');
  const t13 = run(sharedBase().dimms(1).chardev('c0', '/tmp/s').vhostDevice('vub0', 'vhost-user-blk-pci', 'vhost-user', { chardev: 'c0' }).build(), '--vhost-user', 'c0=1');
  assert.match(t13.error ?? '', /used \(3\) and reserved \(0\)/);
});

test('T6/T7: vhost-user-blk with 32 or 8 slots after a 64 GiB dyn virtio-mem (-m 1G,maxmem=65G) is refused; 509 starts (T8)', () => {
  const build = () => machine({ type: 'q35', ram: GiB, maxmem: 65 * GiB })
    .backend('memory-backend-memfd', 'm0', 64 * GiB).virtioMem('vm0', 'm0', { dynamic: true })
    .chardev('c0', '/run/S').vhostDevice('vub0', 'vhost-user-blk-pci', 'vhost-user', { chardev: 'c0' }).build();
  assert.equal(run(build(), '--vhost-user', '/run/S=32').error, checkA);
  assert.equal(run(build(), '--vhost-user', '/run/S=nocfg').error, checkA);
  const t8 = run(build(), '--vhost-user', '/run/S=509');
  assert.equal(t8.outcome, 'starts');
  assert.equal(t8.memoryDevices[0].memslots, 64);
});

test('T1–T3 through simulate: 256, 128 / 64 memslots; 10 DIMMs then 1 TiB → 246', () => {
  const t1 = (maxmem: number) => run(machine({ type: 'q35', ram: 4 * GiB, maxmem })
    .backend('memory-backend-ram', 'm0', 1024 * GiB).virtioMem('v0', 'm0', { dynamic: true }).build());
  assert.deepEqual([t1(1028 * GiB).memoryDevices[0].memslots, t1(1028 * GiB).memoryDevices[0].memslotSize], [256, 4 * GiB]);
  assert.equal(t1(2052 * GiB).memoryDevices[0].memslots, 128);
  assert.equal(t1(4100 * GiB).memoryDevices[0].memslots, 64);
  const t3 = run(machine({ type: 'q35', ram: 4 * GiB, maxmem: 1038 * GiB, slots: 10 }).dimms(10, 'memory-backend-ram')
    .backend('memory-backend-ram', 'm0', 1024 * GiB).virtioMem('v0', 'm0', { dynamic: true }).build());
  assert.equal(t3.outcome, 'starts');
  assert.equal(t3.memoryDevices.find((d) => d.id === 'v0')?.memslots, 246);
});

test('T4/T5: 64 × 1 GiB; 1.5 GiB → 2, 1 GiB → 1', () => {
  const t4 = run(machine({ type: 'q35', ram: GiB, maxmem: 65 * GiB }).backend('memory-backend-ram', 'm0', 64 * GiB).virtioMem('v0', 'm0', { dynamic: true }).build());
  assert.equal(t4.memoryDevices[0].memslots, 64);
  const t5 = run(machine({ type: 'q35', ram: 4 * GiB, maxmem: 100 * GiB })
    .backend('memory-backend-ram', 'a', 1536 * 1024 * 1024).virtioMem('va', 'a', { dynamic: true })
    .backend('memory-backend-ram', 'b', GiB).virtioMem('vb', 'b', { dynamic: true }).build());
  assert.deepEqual(t5.memoryDevices.map((d) => d.memslots), [2, 1]);
});

test('TCG (no accelerator written): no KVM consumer, 1 TiB whole space still 256', () => {
  // -cpu host needs KVM; TCG's max model has 40 phys-bits, too few for 1028 GiB.
  const sim = run(machine({ type: 'q35', ram: 4 * GiB, maxmem: 1028 * GiB, accel: null, cpu: 'max', physBits: 48 })
    .backend('memory-backend-ram', 'm0', 1024 * GiB).virtioMem('v0', 'm0', { dynamic: true }).build());
  assert.equal(sim.consumers.length, 0);
  assert.equal(sim.memoryDevices[0].memslots, 256);
});
