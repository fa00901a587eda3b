import { codes } from '../model/codes';
import { formatSize, GiB } from '../model/sizes';
import { SAFE_MAX_MEMSLOTS, type Simulation, type SimulationEvent } from '../simulator';
import { itemOfRef, memoryDeviceOf } from './lookup';
import { finding, type Rule, type RuleContext } from './types';
import type { Fix } from '../model/findings';
import type { MemoryDevice } from '../model/machine';

/**
 * MS010 — dynamic-memslots=on that changes nothing: the device decided a single memslot, because a
 * vhost back-end with fewer than 509 memslots was initialised before it (every vhost netdev is),
 * because memory devices already use the 256-memslot budget, or because it is no larger than the
 * 1 GiB minimum memslot size (hw/mem/memory-device.c memory_device_memslot_decision_limit(),
 * hw/virtio/virtio-mem.c virtio_mem_decide_memslots(), docs/facts/virtio-mem.md#decision-limit).
 */
export function plugEventOf(simulation: Simulation, index: number): SimulationEvent | undefined {
  return simulation.events.find((e) => e.action === 'memory-device-plug' && e.ref?.collection === 'devices' && e.ref.index === index);
}

export const dynamicMemslotsNoEffect: Rule = {
  ...codes.MS010,
  check(context) {
    const { simulation, model } = context;
    const found = [];
    for (const result of simulation.memoryDevices) {
      if (result.kind !== 'virtio-mem' || !result.dynamicMemslots || result.status !== 'plugged' || result.memslots > 1) continue;
      const device = memoryDeviceOf(model, result.ref);
      if (!device) continue;
      const limitDecision = plugEventOf(simulation, result.ref.index)?.decisions.find((d) => d.what === 'decision-limit');
      const branch = limitDecision?.inputs.branch;
      let why: string;
      const related = [];
      if (branch === 'below-safe-max') {
        const small = simulation.consumers.filter((c) => c.kind !== 'kvm' && c.limit !== null && c.limit < SAFE_MAX_MEMSLOTS);
        why = small.length ? `${small.map((c) => `${c.id} (${c.limit} memslots)`).join(', ')} started before it, so QEMU decided one memslot` : `a back-end under ${SAFE_MAX_MEMSLOTS} memslots started before it`;
        for (const consumer of small) related.push({ message: `${consumer.id}'s back-end allows ${consumer.limit} memslots`, range: itemOfRef(model, consumer.ref)?.range ?? model.headRange });
      } else if (branch === 'soft-limit-reached' || branch === 'no-budget') {
        why = 'the memory devices already use the memslot budget, so QEMU decided one memslot';
      } else if (result.size <= GiB) {
        why = `at ${formatSize(result.size)} it is no larger than the 1 GiB minimum memslot, so it gets one`;
      } else continue;
      const written = device.dynamicMemslots?.origin === 'written';
      found.push(finding(this, {
        message: `dynamic-memslots=on has no effect on ${result.id}: ${why}`,
        data: { limitExplanation: limitDecision?.explanation ?? null, written },
        fixes: offFixes(context, device),
        range: device.dynamicMemslots?.origin === 'written' ? device.dynamicMemslots.range : device.range,
        related,
        subjects: [result.id],
      }));
    }
    return found;
  },
};

/** What QEMU does anyway, written down: dynamic-memslots=off (dynamicMemslots='no'), or the property removed. */
function offFixes(context: RuleContext, device: MemoryDevice): Fix[] {
  const { editor } = context;
  const fixes: Fix[] = [];
  const name = device.displayName ?? device.id?.value ?? device.driver.value;
  const off = editor.setProperty(device, 'dynamic-memslots', false);
  if (off) {
    fixes.push({ title: `Set ${editor.vocabulary.assignment('dynamic-memslots', false)} on ${name} (one memslot, as now)`, edits: [off], isPreferred: true, fixAll: true });
  }
  // Removing it means off only where off is the default (not RHEL's qemu-kvm).
  const removed = device.dynamicMemslots?.origin === 'written' && context.profile.qemuFlavor.value !== 'rhel' ? editor.removeProperty(device, 'dynamic-memslots') : null;
  if (removed) fixes.push({ title: `Remove ${editor.vocabulary.assignment('dynamic-memslots', true)} from ${name} (off by default)`, edits: [removed] });
  return fixes;
}
