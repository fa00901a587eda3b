import { codes } from '../model/codes';
import { messages } from '../simulator';
import { itemOfRef, userId } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS014 — a memslot consumer (KVM, or a vhost back-end) with only a few slots left: the next
 * DIMM-like hot-plugs (pc-dimm, nvdimm, virtio-pmem, virtio-mem with dynamic-memslots=off: one
 * memslot each) will be refused once headroom = limit − used − reserved is spent
 * (hw/mem/memory-device.c memory_device_check_addable(), docs/facts/memory-devices.md#memory-device-checks).
 */
export const lowHeadroomThreshold = 2;

export const lowHeadroom: Rule = {
  ...codes.MS014,
  check(context) {
    const { simulation, model } = context;
    if (simulation.outcome !== 'starts' || simulation.machine.deviceMemorySpace <= 0) return [];
    const found = [];
    for (const consumer of simulation.consumers) {
      if (consumer.limit === null || consumer.headroom === null || consumer.headroom > lowHeadroomThreshold
        || consumer.overLimitAfterReset) continue;
      const item = itemOfRef(model, consumer.ref);
      const error = consumer.kind === 'kvm' ? messages.kvmNotEnoughFree : messages.vhostNotEnoughFree;
      const after = consumer.headroom === 0 ? 'the next' : `after ${consumer.headroom} more`;
      found.push(finding(this, {
        message: `${consumer.kind === 'kvm' ? 'KVM' : `${consumer.id}'s back-end`} has ${consumer.headroom} memslot${consumer.headroom === 1 ? '' : 's'} left for hot-plug (limit ${consumer.limit}, ${consumer.used} used, ${consumer.reserved} reserved)`,
        qemu: error,
        data: { consumer: consumer.id, headroom: consumer.headroom, refusedHotplug: after, limitOrigin: consumer.limitSource.origin },
        range: item?.range ?? model.headRange,
        subjects: [userId(item)].filter((s): s is string => s !== undefined),
      }));
    }
    return found;
  },
};
