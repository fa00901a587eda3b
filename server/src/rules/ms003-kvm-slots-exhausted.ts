import { codes } from '../model/codes';
import { decisionOf, itemOfRef, nameOf, refusalEvent, userId } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS003 — KVM runs out of memslots: a memory device plug finds fewer free KVM slots than it
 * requires plus those reserved (memory_device_check_addable(), hw/mem/memory-device.c; KVM's count
 * from accel/kvm/kvm-all.c, docs/facts/memslots.md#kvm-limit), or the machine maps more sections than
 * KVM_CAP_NR_MEMSLOTS allows ("kvm_alloc_slot: no free slot available").
 */
export const kvmSlotsExhausted: Rule = {
  ...codes.MS003,
  check(context) {
    const { simulation, model, profile } = context;
    const found = [];
    const error = simulation.error ?? '';
    if (simulation.reason === 'kvm-slots-exhausted') {
      const refused = itemOfRef(model, simulation.refusal?.ref);
      const check = decisionOf(refusalEvent(simulation), 'kvm-free-check');
      found.push(finding(this, {
        message: `QEMU refuses ${nameOf(refused)}: it needs ${typeof check?.inputs.required === 'number' ? `${check.inputs.required} memslot${check.inputs.required === 1 ? '' : 's'}` : 'more memslots'}${typeof check?.inputs.reserved === 'number' && check.inputs.reserved > 0 ? ` + ${check.inputs.reserved} reserved` : ''}, but KVM has ${typeof check?.inputs.free === 'number' ? check.inputs.free : 'too few'} free of its ${profile.kvmMemslots.value}`,
        qemu: error,
        data: { check: check?.explanation ?? null, limitOrigin: profile.kvmMemslots.origin },
        range: refused?.range ?? model.headRange,
        subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      }));
    }
    for (const consumer of simulation.consumers) {
      if (consumer.kind !== 'kvm' || !consumer.overLimitAfterReset || consumer.limit === null) continue;
      found.push(finding(this, {
        message: `KVM needs ${consumer.used} memslots after reset, over its limit of ${consumer.limit}: QEMU aborts at start`,
        qemu: 'kvm_alloc_slot: no free slot available',
        data: { addressSpace: consumer.addressSpace ?? 0, limitOrigin: consumer.limitSource.origin },
        range: model.headRange,
      }));
    }
    return found;
  },
};
