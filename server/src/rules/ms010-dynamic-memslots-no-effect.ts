import { codes } from '../model/codes';
import { formatSize, GiB } from '../model/sizes';
import { SAFE_MAX_MEMSLOTS, type Simulation, type SimulationEvent } from '../simulator';
import { describeItem, itemOfRef, memoryDeviceOf } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS010 — dynamic-memslots=on that changes nothing: the device decided a single memslot, because a
 * vhost back-end with fewer than 509 memslots was initialised before it (every vhost netdev is),
 * because memory devices already use the 256-memslot budget, or because it is no larger than the
 * 1 GiB minimum memslot size (hw/mem/memory-device.c memory_device_memslot_decision_limit(),
 * hw/virtio/virtio-mem.c virtio_mem_decide_memslots(), spec §1.4, §2.3).
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
        why = `a vhost back-end with fewer than ${SAFE_MAX_MEMSLOTS} memslots (${small.map((c) => `'${c.id}': ${c.limit}`).join(', ') || 'see the plug order'}) was initialised before it, so QEMU decided a single memslot`;
        for (const consumer of small) related.push({ message: `${consumer.kind} '${consumer.id}' allows ${consumer.limit} memslots (${consumer.limitSource.origin})`, range: itemOfRef(model, consumer.ref)?.range ?? model.headRange });
      } else if (branch === 'soft-limit-reached' || branch === 'no-budget') {
        why = `${limitDecision?.explanation ?? 'no memslots were left to distribute'}, so QEMU decided a single memslot`;
      } else if (result.size <= GiB) {
        why = `it is ${formatSize(result.size)}, no larger than the 1 GiB minimum memslot size, so it always gets one memslot`;
      } else continue;
      const written = device.dynamicMemslots?.origin === 'written';
      found.push(finding(this, {
        message: `dynamic-memslots=on has no effect on ${describeItem(device)}: ${why}. The whole device is mapped as one memslot, as with dynamic-memslots=off${written ? '' : ' (it is on here by default or through -global)'}.`,
        range: device.dynamicMemslots?.origin === 'written' ? device.dynamicMemslots.range : device.range,
        related,
        subjects: [result.id],
      }));
    }
    return found;
  },
};
