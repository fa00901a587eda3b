import { codes } from '../model/codes';
import { itemOfRef, userId } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS023 — `-m slots=N` promises N DIMMs (pc-dimm, nvdimm; each one memslot), but a vhost back-end
 * with fewer memslots than that refuses the DIMM that no longer fits ("a used vhost backend has not
 * enough free memory slots left", hw/mem/memory-device.c memory_device_check_addable()). The
 * kata-containers/runtime#2795 shape: `slots=10` and a back-end of 8 memslots, 3 taken by boot
 * memory: only 5 DIMMs will ever fit. Warned while the machine starts, before any hot-plug fails.
 */
export const dimmSlotsBeyondBackend: Rule = {
  ...codes.MS023,
  check(context) {
    const { simulation, model } = context;
    const slots = model.memory.slots;
    if (simulation.outcome !== 'starts' || slots === undefined || slots.value === 0) return [];
    const dimms = simulation.memoryDevices.filter((d) => d.status === 'plugged' && (d.kind === 'pc-dimm' || d.kind === 'nvdimm')).length;
    if (dimms >= slots.value) return [];
    let smallest: (typeof simulation.consumers)[number] | undefined;
    for (const consumer of simulation.consumers) {
      if (consumer.kind === 'kvm' || consumer.limit === null || consumer.headroom === null || consumer.overLimitAfterReset) continue;
      if (smallest === undefined || consumer.headroom < (smallest.headroom ?? Infinity)) smallest = consumer;
    }
    if (smallest === undefined || smallest.headroom === null) return [];
    const fit = dimms + smallest.headroom;
    if (fit >= slots.value) return [];
    const item = itemOfRef(model, smallest.ref);
    return [finding(this, {
      message: `slots=${slots.value} promises ${slots.value} DIMMs, but ${smallest.id}'s back-end (${smallest.limit} memslots) fits only ${fit}`,
      range: slots.range,
      related: item ? [{ message: `${smallest.id}: limit ${smallest.limit}, ${smallest.used} used, ${smallest.reserved} reserved (${smallest.limitSource.origin})`, range: item.range }] : [],
      subjects: [userId(item)].filter((s): s is string => s !== undefined),
      data: { consumer: smallest.id, fit },
    })];
  },
};
