import { codes } from '../model/codes';
import { decisionOf, describeItem, itemOfRef, refusalEvent, userId } from './lookup';
import { sentences } from './sentences';
import { finding, type Rule } from './types';

/**
 * MS003 — KVM runs out of memslots: a memory device plug finds fewer free KVM slots than it
 * requires plus those reserved (memory_device_check_addable(), hw/mem/memory-device.c; KVM's count
 * from accel/kvm/kvm-all.c, spec §1.5 step 3, §4), or the machine maps more sections than
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
        message: sentences(`QEMU refuses ${describeItem(refused)}: "${error}"`, check?.explanation, `KVM allows ${profile.kvmMemslots.value} memslots per address space (${profile.kvmMemslots.origin})`),
        range: refused?.range ?? model.headRange,
        subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      }));
    }
    for (const consumer of simulation.consumers) {
      if (consumer.kind !== 'kvm' || !consumer.overLimitAfterReset || consumer.limit === null) continue;
      found.push(finding(this, {
        message: `KVM address space ${consumer.addressSpace ?? 0} needs ${consumer.used} memslots after reset, more than the ${consumer.limit} KVM allows (${consumer.limitSource.origin}); QEMU aborts with "kvm_alloc_slot: no free slot available".`,
        range: model.headRange,
      }));
    }
    return found;
  },
};
