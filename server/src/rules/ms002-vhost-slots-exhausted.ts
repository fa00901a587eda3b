import { codes } from '../model/codes';
import type { RelatedInformation } from '../model/findings';
import { decisionOf, describeItem, itemOfRef, refusalEvent, userId } from './lookup';
import { sentences } from './sentences';
import { finding, type Rule } from './types';

/**
 * MS002 — a vhost back-end runs out of memslots: a memory device plug finds too few free vhost
 * slots (memory_device_check_addable(), hw/mem/memory-device.c, spec §1.5 step 4), a vhost device
 * starts with more regions in use plus reserved than its limit (vhost_dev_init() check B,
 * hw/virtio/vhost.c, spec §3.6), or the boot RAM layout after reset exceeds a limit QEMU does not
 * re-check (spec §5.3, §3.7).
 */
export const vhostSlotsExhausted: Rule = {
  ...codes.MS002,
  check(context) {
    const { simulation, model } = context;
    const found = [];
    const error = simulation.error ?? '';
    const reason = simulation.reason;
    const event = refusalEvent(simulation);
    const refused = itemOfRef(model, simulation.refusal?.ref);
    const vhostRelated: RelatedInformation[] = simulation.consumers
      .filter((c) => c.kind !== 'kvm' && c.limit !== null)
      .map((c) => ({
        message: `${c.kind} '${c.id}': limit ${c.limit} (${c.limitSource.origin}), ${c.used} used, ${c.reserved} reserved for memory devices`,
        range: itemOfRef(model, c.ref)?.range ?? model.headRange,
      }));
    if (reason === 'vhost-slots-exhausted') {
      const check = decisionOf(event, 'vhost-free-check');
      found.push(finding(this, {
        message: sentences(`QEMU refuses ${describeItem(refused)}: "${error}"`, check?.explanation),
        range: refused?.range ?? model.headRange,
        related: vhostRelated,
        subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      }));
    } else if (reason === 'vhost-limit-below-used') {
      const check = decisionOf(event, 'vhost-used-check');
      const limitWhy = decisionOf(event, 'vhost-limit')?.explanation;
      found.push(finding(this, {
        message: sentences(`QEMU refuses ${describeItem(refused)}: "${error}"${limitWhy ? ` (${limitWhy})` : ''}`, check?.explanation),
        range: refused?.range ?? model.headRange,
        subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      }));
    }
    for (const consumer of simulation.consumers) {
      if (consumer.kind === 'kvm' || !consumer.overLimitAfterReset || consumer.limit === null) continue;
      const item = itemOfRef(model, consumer.ref);
      found.push(finding(this, {
        message: `After the system reset ${describeItem(item)} maps ${consumer.used} memory regions, more than its back-end's limit of ${consumer.limit} (${consumer.limitSource.origin}; ${consumer.usedAtInit} when it was initialised). QEMU does not check again: setting the memory table fails when the device starts ("vhost_set_mem_table failed").`,
        range: item?.range ?? model.headRange,
        subjects: [userId(item)].filter((s): s is string => s !== undefined),
      }));
    }
    return found;
  },
};
