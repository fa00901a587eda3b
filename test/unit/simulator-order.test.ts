// QEMU's plug order (docs/facts/plug-order.md#qemu-start-up-order): netdevs (JSON, -netdev, -nic, -net) before all -devices; QemuOpts
// -devices before JSON -devices, whatever the text order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProfileOptions, defaultHostProfile, devicePlugOrder, netdevPlugOrder, parseProfileOptions, simulate } from '../../server/src/simulator';
import { GiB, sharedBase } from './simulator-builders';

const profile = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--smm', 'off', '--vhost-user', 'vu.sock=32']).overrides, 'cli');
const checkA = /^some memory device \(like virtio-mem\) decided/;

test('refused in one order, starts in the other', () => {
  const vmemFirst = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const vhostFirst = sharedBase().vhostUserFs('fs0', 'vu0', '/tmp/vu.sock')
    .backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true }).build();
  assert.match(simulate(vmemFirst, profile).error ?? '', checkA);
  const ok = simulate(vhostFirst, profile);
  assert.equal(ok.outcome, 'starts');
  assert.equal(ok.memoryDevices[0].memslots, 1);
});

test('a JSON virtio-mem written first is realised after a QemuOpts vhost-user device: starts', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true, syntax: 'json' })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock', 'qemuopts').build();
  const sim = simulate(model, profile);
  assert.equal(sim.outcome, 'starts');
  assert.equal(sim.memoryDevices[0].memslots, 1);
});

test('a JSON vhost-user device written first is realised after a QemuOpts virtio-mem: refused', () => {
  const model = sharedBase().vhostUserFs('fs0', 'vu0', '/tmp/vu.sock', 'json')
    .backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true }).build();
  const sim = simulate(model, profile);
  assert.equal(sim.refusedBy, 'fs0');
  assert.match(sim.error ?? '', checkA);
});

test('libvirt order (everything JSON, memory before filesystem) is refused', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true, syntax: 'json' })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock', 'json').build();
  assert.equal(simulate(model, profile).refusedBy, 'fs0');
});

test('netdev vs device: a vhost-user netdev written after virtio-mem still starts first', () => {
  const netdev = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true })
    .chardev('vn0', '/tmp/vu.sock').netdev('net0', 'vhost-user', { chardev: 'vn0' }).build();
  const sim = simulate(netdev, profile);
  assert.equal(sim.outcome, 'starts');
  assert.equal(sim.memoryDevices[0].memslots, 1);
  // the same back-end as a -device in the same place is refused
  const device = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  assert.equal(simulate(device, profile).outcome, 'refused');
});

test('netdev families: JSON first, then -netdev, -nic, -net, each in text order', () => {
  const model = sharedBase()
    .netdev('legacy', 'user', { option: 'net' })
    .netdev('nic0', 'tap', { option: 'nic' })
    .netdev('q0', 'tap')
    .netdev('j0', 'tap', { syntax: 'json' })
    .netdev('q1', 'tap')
    .build();
  assert.deepEqual(netdevPlugOrder(model.netdevs).map((i) => model.netdevs[i].id?.value), ['j0', 'q0', 'q1', 'nic0', 'legacy']);
});

test('device order: QemuOpts in text order, then JSON in text order', () => {
  const model = sharedBase().genericDevice('a', 'j1', 'json').genericDevice('b', 'q1').genericDevice('c', 'j2', 'json').genericDevice('d', 'q2').build();
  assert.deepEqual(devicePlugOrder(model.devices).map((i) => model.devices[i].id?.value), ['q1', 'q2', 'j1', 'j2']);
});

test('a tap vhost=on netdev is a vhost-kernel consumer with max_mem_regions', () => {
  const model = sharedBase().netdev('n0', 'tap', { vhost: 'vhost-kernel' }).build();
  const p = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--smm', 'off', '--vhost-max-mem-regions', '509']).overrides, 'cli');
  const consumer = simulate(model, p).consumers.find((c) => c.id === 'n0');
  assert.deepEqual([consumer?.kind, consumer?.limit, consumer?.usedAtInit, consumer?.used], ['vhost-kernel', 509, 0, 3]);
});

test('vhost-kernel counts non-shared RAM, vhost-user does not', () => {
  const model = sharedBase(8).dimms(3, 'memory-backend-ram').netdev('n0', 'tap', { vhost: 'vhost-kernel' })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const sim = simulate(model, profile);
  // boot RAM after reset: 3 regions for both; the 3 DIMMs only for vhost-kernel
  assert.equal(sim.consumers.find((c) => c.id === 'n0')?.used, 6);
  assert.equal(sim.consumers.find((c) => c.id === 'fs0')?.used, 3);
  // headroom = limit − used − reserved (DIMMs reserve nothing once mapped)
  assert.equal(sim.consumers.find((c) => c.id === 'n0')?.headroom, 64 - 6);
  assert.equal(sim.consumers.find((c) => c.id === 'fs0')?.headroom, 32 - 3);
});

test('a vhost-vsock after an auto-deciding virtio-mem is refused (64 < 509)', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true })
    .vhostDevice('vsock0', 'vhost-vsock-pci', 'vhost-kernel').build();
  const sim = simulate(model, profile);
  assert.equal(sim.refusedBy, 'vsock0');
  assert.match(sim.error ?? '', checkA);
});

test('vhost-vdpa has no limit and never restricts the decision', () => {
  const model = sharedBase().netdev('v0', 'vhost-vdpa').backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true }).build();
  const sim = simulate(model, profile);
  assert.equal(sim.memoryDevices[0].memslots, 16);
  const vdpa = sim.consumers.find((c) => c.id === 'v0');
  assert.deepEqual([vdpa?.limit, vdpa?.headroom], [null, null]);
});

test('two virtio-mem devices share the budget: 128 then 192 (64 × 1 GiB each)', () => {
  const b = sharedBase(4, 132 * GiB);
  const sim = simulate(b.backend('memory-backend-memfd', 'a', 64 * GiB).virtioMem('va', 'a', { dynamic: true })
    .backend('memory-backend-memfd', 'b', 64 * GiB).virtioMem('vb', 'b', { dynamic: true }).build(), profile);
  assert.deepEqual(sim.memoryDevices.map((d) => [d.decisionLimit, d.memslots]), [[128, 64], [192, 64]]);
  assert.equal(sim.machine.reservedMemslots, 128);
});

test('a check-A refusal names the memory device that decided', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const refusal = simulate(model, profile).events.find((e) => e.id === 'fs0')?.decisions.find((d) => d.what === 'auto-decision-check');
  assert.equal(refusal?.inputs.decidedBy, 'vm0');
  assert.match(refusal?.explanation ?? '', /^vm0 decided more than one memslot; a back-end limit of 32 is below 509: refused/);
});
