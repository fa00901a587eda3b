// QEMU's memory and memory-device checks with their verbatim messages (docs/facts/memory-devices.md,
// docs/facts/virtio-mem.md#errors), and the boot layout (docs/facts/x86-address-space.md#boot-slots).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, type Simulation } from '../../server/src/simulator';
import { GiB, MiB, TiB, machine, sharedBase } from './simulator-builders';
import type { MachineModel } from '../../server/src/model';

function run(model: MachineModel, ...args: string[]): Simulation {
  return simulate(model, applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--smm', 'off', ...args]).overrides, 'cli'));
}
const kvm = (sim: Simulation) => sim.consumers.find((c) => c.id === 'kvm')?.used;

test('KVM runs out: hypervisor has not enough free memory slots left (AS 1 with SMM runs out first)', () => {
  // 8 KVM slots; q35 -m 4G has 3 slots while devices are realised; each DIMM maps one more.
  const model = machine({ type: 'q35', ram: 4 * GiB, maxmem: TiB, slots: 8 }).dimms(8, 'memory-backend-ram').build();
  const noSmm = run(model, '--kvm-memslots', '8');
  assert.deepEqual([noSmm.refusedBy, noSmm.error], ['dimm5', 'hypervisor has not enough free memory slots left']);
  const smm = simulate(model, applyProfileOptions(defaultHostProfile(), { kvmMemslots: 8 }, 'cli'));
  assert.equal(smm.refusedBy, 'dimm4');
});

test('device memory space: not enough space, in hex', () => {
  const model = machine({ type: 'q35', ram: 4 * GiB, maxmem: 6 * GiB, slots: 4 }).dimms(3, 'memory-backend-ram').build();
  const sim = run(model);
  assert.equal(sim.refusedBy, 'dimm2');
  assert.equal(sim.error, 'not enough space, currently 0x80000000 in use of total space for memory devices 0x80000000');
});

test('DIMM slots: none allocated, all taken', () => {
  const noSlots = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB }).dimms(1, 'memory-backend-ram').build();
  assert.equal(run(noSlots).error, "no slots where allocated, please specify the 'slots' option");
  const full = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB, slots: 1 }).dimms(2, 'memory-backend-ram').build();
  assert.deepEqual([run(full).refusedBy, run(full).error], ['dimm1', 'no free slots available']);
});

test('-m checks: slots > 256, maxmem below size, slots without room, slots without maxmem', () => {
  const tooMany = run(machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB, slots: 300 }).build());
  assert.deepEqual([tooMany.outcome, tooMany.refusedBy, tooMany.refusal?.option, tooMany.error], ['refused', null, '-m', 'unsupported amount of memory slots: 300']);
  assert.equal(run(machine({ type: 'q35', ram: 4 * GiB, maxmem: 2 * GiB }).build()).error,
    'invalid value of maxmem: maximum memory size (0x80000000) must be at least the initial memory size (0x100000000)');
  assert.equal(run(machine({ type: 'q35', ram: 4 * GiB, maxmem: 4 * GiB, slots: 2 }).build()).error,
    'invalid value of maxmem: memory slots were specified but maximum memory size (0x100000000) is equal to the initial memory size (0x100000000)');
  assert.equal(run(machine({ type: 'q35', ram: 4 * GiB, slots: 2 }).build()).error, 'slots specified but no max-size');
});

test('memdev errors: missing, busy (DIMM and virtio-mem wording), preallocated', () => {
  const missing = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB }).memoryDevice('virtio-mem', 'v0', undefined).build();
  assert.equal(run(missing).error, "'memdev' property must be set");
  const busyDimm = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB, slots: 2 }).backend('memory-backend-ram', 'd0', GiB).dimm('a', 'd0').dimm('b', 'd0').build();
  assert.deepEqual([run(busyDimm).refusedBy, run(busyDimm).error], ['b', "can't use already busy memdev: d0"]);
  const busyBoot = sharedBase().virtioMem('v0', 'mem0').build();
  assert.equal(run(busyBoot).error, "'memdev' property specifies a busy memdev: mem0");
  const prealloc = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB }).backend('memory-backend-ram', 'm', GiB, { prealloc: true }).virtioMem('v0', 'm').build();
  assert.equal(run(prealloc).error, "'memdev' property specifies a memdev with preallocation enabled: m. Instead, specify 'prealloc=on' for the virtio-mem device. ");
});

test('virtio-mem realize: requested-size must be a multiple of the block size', () => {
  const model = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB }).backend('memory-backend-ram', 'm', 2 * GiB)
    .virtioMem('v0', 'm', { requested: 3 * MiB }).build();
  assert.equal(run(model).error, "'requested-size' property has to be multiples of 'block-size' (0x200000)");
});

test('nvdimm needs -machine nvdimm=on', () => {
  const model = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB, slots: 2 }).backend('memory-backend-file', 'n', GiB).memoryDevice('nvdimm', 'nv0', 'n').build();
  assert.equal(run(model).error, "nvdimm is not enabled: missing 'nvdimm' in '-M'");
  const on = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB, slots: 2, nvdimm: true }).backend('memory-backend-file', 'n', GiB).memoryDevice('nvdimm', 'nv0', 'n').build();
  assert.equal(run(on).outcome, 'starts');
});

test('hv-balloon: always auto-decides (128 MiB granularity); without memdev it is empty; only one', () => {
  const sim = run(sharedBase().backend('memory-backend-memfd', 'hb', 64 * GiB).memoryDevice('hv-balloon', 'hvb', 'hb').build());
  assert.deepEqual([sim.memoryDevices[0].memslots, sim.memoryDevices[0].memslotSize, sim.memoryDevices[0].mapped], [16, 4 * GiB, 0]);
  assert.equal(sim.machine.autoDecisionActive, true);
  const then = run(sharedBase().backend('memory-backend-memfd', 'hb', 64 * GiB).memoryDevice('hv-balloon', 'hvb', 'hb')
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build(), '--vhost-user', 'vu.sock=32');
  assert.equal(then.refusedBy, 'fs0');
  const empty = run(machine({ type: 'q35', ram: 4 * GiB }).memoryDevice('hv-balloon', 'hvb', undefined).build());
  assert.deepEqual([empty.outcome, empty.memoryDevices.length], ['starts', 0]);
  const two = run(machine({ type: 'q35', ram: 4 * GiB }).memoryDevice('hv-balloon', 'a', undefined).memoryDevice('hv-balloon', 'b', undefined).build());
  assert.equal(two.error, 'Only one balloon device is supported');
  assert.equal(run(machine({ type: 'q35', ram: 4 * GiB }).memoryDevice('hv-balloon', 'a', undefined).build(), '--qemu', '8.1').error,
    "'hv-balloon' is not a valid device model name");
});

test('boot layout: pc and q35 low/high splits (docs/facts/x86-address-space.md#lowmem-split)', () => {
  // after reset: RAM [0, 0xc0000), [1 MiB, low), high (if any) + pc.rom + isa-bios + pc.bios
  assert.equal(kvm(run(machine({ type: 'pc', ram: 3584 * MiB }).build())), 6);
  assert.equal(kvm(run(machine({ type: 'pc', ram: 3583 * MiB }).build())), 5);
  assert.equal(kvm(run(machine({ type: 'q35', ram: 2816 * MiB }).build())), 6);
  assert.equal(kvm(run(machine({ type: 'q35', ram: 2815 * MiB }).build())), 5);
  // OVMF: two pflash slots instead of pc.bios (docs/facts/x86-address-space.md#boot-slots: 7 for q35 -m 4G)
  assert.equal(kvm(run(machine({ type: 'q35', ram: 4 * GiB, firmware: 'efi' }).build())), 7);
});

test('boot layout: vhost regions at init and after reset (docs/facts/x86-address-space.md#before-and-after-reset)', () => {
  const at = (type: string, ram: number) => {
    const model = machine({ type, ram, maxmem: ram + 8 * GiB, memoryBackend: 'mem0' }).backend('memory-backend-memfd', 'mem0', ram)
      .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
    const fs0 = run(model, '--vhost-user', 'vu.sock=509').consumers.find((c) => c.id === 'fs0');
    return [fs0?.usedAtInit, fs0?.used];
  };
  assert.deepEqual(at('q35', 2 * GiB), [1, 2]);
  assert.deepEqual(at('q35', 4 * GiB), [2, 3]);
  assert.deepEqual(at('pc', 4 * GiB), [3, 3]);
});

test('boot layout: each NUMA memdev is its own region', () => {
  // q35 6 GiB in two 3 GiB nodes: low 2 GiB from node 0 (2 sections), high 4 GiB split
  // between node 0 (1 GiB) and node 1 (3 GiB): 4 RAM sections + 3 ROM = 7 paused.
  const model = machine({ type: 'q35', ram: 6 * GiB }).backend('memory-backend-ram', 'n0', 3 * GiB).backend('memory-backend-ram', 'n1', 3 * GiB)
    .numa(0, 'n0').numa(1, 'n1').build();
  assert.equal(kvm(run(model)), 7);
});

test('every decision carries inputs and an explanation', () => {
  const sim = run(sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true }).build());
  for (const event of sim.events) {
    for (const decision of event.decisions) {
      assert.ok(decision.explanation.length > 10, decision.what);
      assert.equal(typeof decision.inputs, 'object');
    }
  }
  const memslots = sim.events.flatMap((e) => e.decisions).find((d) => d.what === 'memslots');
  assert.match(memslots?.explanation ?? '', /^16 memslots of 4 GiB = ceil\(64 GiB \/ max\(align_up\(64 GiB \/ 16, 2 MiB\)/);
});

test('qemu64 (40 phys-bits) cannot address maxmem=1T: measured message', () => {
  const model = machine({ type: 'q35', ram: 4 * GiB, maxmem: TiB, slots: 4, cpu: null }).backend('memory-backend-ram', 'vmem0', 64 * GiB)
    .virtioMem('vm0', 'vmem0', { requested: GiB }).build();
  const sim = run(model);
  assert.deepEqual([sim.outcome, sim.refusedBy, sim.refusal?.option], ['refused', null, null]);
  assert.equal(sim.error, 'Address space limit 0xffffffffff < 0x1097fffffff phys-bits too low (40)');
  assert.equal(run(machine({ type: 'q35', ram: 4 * GiB, cpu: null }).build()).outcome, 'starts');
});

test('aarch64 virt: one RAM region and two flash slots, no SMM address space', () => {
  const model = machine({ type: 'virt', ram: 4 * GiB }).build();
  model.arch = 'aarch64';
  const sim = simulate(model, defaultHostProfile());
  assert.deepEqual(sim.consumers.map((c) => [c.id, c.used]), [['kvm', 3]]);
});

test('virtio-mem refuses an SGX EPC backend', () => {
  const model = machine({ type: 'q35', ram: 4 * GiB, maxmem: 8 * GiB }).backend('memory-backend-epc', 'e', GiB).virtioMem('v0', 'e').build();
  assert.equal(run(model).error, "'memdev' property specifies an unsupported memdev");
});
