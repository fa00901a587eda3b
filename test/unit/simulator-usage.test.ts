// Slot use after each plug step (SimulationEvent.usageAfter). Expected numbers are derived by hand
// from docs/facts/x86-address-space.md#before-and-after-reset (while -devices are realised the low
// RAM is one 0–2G section: KVM 3 slots, vhost 2 regions; after reset q35 -m 4G has 6 KVM slots,
// vhost one more region) and docs/facts/memory-devices.md#one-memslot-devices (each memfd 1G
// pc-dimm adds one KVM slot and one vhost-user region).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, usageAfterStep, type Simulation } from '../../server/src/simulator';
import { sharedBase } from './simulator-builders';

function run(build: ReturnType<typeof sharedBase>): Simulation {
  const parsed = parseProfileOptions(['--smm', 'off', '--vhost-user', 'vu.sock=nocfg']);
  assert.deepEqual(parsed.errors, []);
  return simulate(build.build(), applyProfileOptions(defaultHostProfile(), parsed.overrides, 'cli'));
}

function usageOf(sim: Simulation, id: string | null, action?: string) {
  const event = sim.events.find((e) => e.id === id && (action === undefined || e.action === action));
  assert.ok(event, `event ${id ?? action}`);
  return usageAfterStep(sim, event.step);
}

test('vu8 then 7 memfd dimms: use grows by one per dimm until dimm6 is refused', () => {
  const sim = run(sharedBase(8).vhostUserFs('fs0', 'vu0', '/tmp/oracle/vu.sock').dimms(7));
  assert.equal(sim.refusedBy, 'dimm6');
  // fs0 inits while devices are realised: KVM 3 (0–2G, bios, 4G–6G), vhost-user 2 regions.
  assert.deepEqual(usageOf(sim, 'fs0'), { kvm: 3, fs0: 2 });
  for (let n = 0; n < 6; n++) assert.deepEqual(usageOf(sim, `dimm${n}`), { kvm: 4 + n, fs0: 3 + n }, `dimm${n}`);
  // The refused dimm maps nothing: use stays where dimm5 left it.
  assert.deepEqual(usageOf(sim, 'dimm6'), { kvm: 9, fs0: 8 });
});

test('6 memfd dimms then vu8: 8 regions at init, after reset KVM 12 and vhost 9', () => {
  const sim = run(sharedBase(8).dimms(6).vhostUserFs('fs0', 'vu0', '/tmp/oracle/vu.sock'));
  assert.equal(sim.outcome, 'starts');
  // Before fs0 exists only KVM is a consumer.
  assert.deepEqual(usageOf(sim, 'dimm5'), { kvm: 9 });
  assert.deepEqual(usageOf(sim, 'fs0'), { kvm: 9, fs0: 8 });
  assert.deepEqual(usageOf(sim, null, 'reset'), { kvm: 12, fs0: 9 });
  // Every event carries its usage; the last one matches the end state.
  assert.ok(sim.events.every((e) => usageAfterStep(sim, e.step) !== undefined));
  assert.deepEqual(usageAfterStep(sim, sim.events.length), Object.fromEntries(sim.consumers.map((c) => [c.id, c.used])));
});

test('a removed vhost device stops counting from its removal step on', () => {
  const sim = run(sharedBase(8).vhostUserFs('fs0', 'vu0', '/tmp/oracle/vu.sock').dimms(1));
  const [activity] = sim.vhostActivity;
  assert.equal(activity.id, 'fs0');
  assert.equal(activity.untilStep, null);
  const initStep = sim.events.find((e) => e.id === 'fs0')?.step ?? -1;
  assert.equal(activity.fromStep, initStep);
  // Before its init step the device is not a consumer yet.
  assert.equal(usageAfterStep(sim, initStep - 1)?.fs0, undefined);
  assert.equal(usageAfterStep({ ...sim, vhostActivity: [{ ...activity, untilStep: initStep + 1 }] }, initStep + 1)?.fs0, undefined);
});
