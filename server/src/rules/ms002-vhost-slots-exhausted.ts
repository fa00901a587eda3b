import { codes } from '../model/codes';
import type { RelatedInformation } from '../model/findings';
import { decisionOf, itemOfRef, nameOf, refusalEvent, userId } from './lookup';
import { finding, type Rule, type RuleContext } from './types';
import type { Fix } from '../model/findings';
import { SAFE_MAX_MEMSLOTS, simulate, type ModelRef } from '../simulator';
import { declareVhostUserLimitFix, profileWithVhostUser, vhostUserPattern } from './shared-fixes';

/**
 * MS002 — a vhost back-end runs out of memslots: a memory device plug finds too few free vhost
 * slots (memory_device_check_addable(), docs/facts/memory-devices.md#memory-device-checks), a vhost device
 * starts with more regions in use plus reserved than its limit (vhost_dev_init() check B,
 * docs/facts/memslots.md#vhost-check-b), or the boot RAM layout after reset exceeds a limit QEMU does not
 * re-check (docs/facts/memslots.md#overflow-at-run-time).
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
        message: `${c.id}'s back-end allows ${c.limit} memslots: ${c.used} used, ${c.reserved} reserved by memory devices`,
        range: itemOfRef(model, c.ref)?.range ?? model.headRange,
      }));
    if (reason === 'vhost-slots-exhausted') {
      const check = decisionOf(event, 'vhost-free-check');
      const free = check?.inputs.free;
      const required = check?.inputs.required;
      const fullest = simulation.consumers.filter((c) => c.kind !== 'kvm' && c.limit !== null).sort((a, b) => (a.headroom ?? 0) - (b.headroom ?? 0))[0];
      const reservedSlots = check?.inputs.reserved;
      const plus = typeof reservedSlots === 'number' && reservedSlots > 0 ? ` + ${reservedSlots} reserved` : '';
      const need = typeof required === 'number' ? `needs ${required} memslot${required === 1 ? '' : 's'}${plus}` : 'needs more memslots';
      const left = typeof free === 'number' ? `${free} ${free === 1 ? 'is' : 'are'} free` : 'too few are free';
      found.push(finding(this, {
        message: `QEMU refuses ${nameOf(refused)}: it ${need}, but in ${fullest ? `${fullest.id}'s back-end` : 'the fullest vhost back-end'} only ${left}`,
        qemu: error,
        data: { check: check?.explanation ?? null },
        fixes: fullest ? largerBackendFixes(context, fullest) : [],
        range: refused?.range ?? model.headRange,
        related: vhostRelated,
        subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      }));
    } else if (reason === 'vhost-limit-below-used') {
      const check = decisionOf(event, 'vhost-used-check');
      const limitWhy = decisionOf(event, 'vhost-limit')?.explanation;
      const { limit, used, reserved } = check?.inputs ?? {};
      const counts = typeof used === 'number' ? `${used} regions${typeof reserved === 'number' && reserved > 0 ? ` + ${reserved} reserved` : ''}` : 'more regions';
      found.push(finding(this, {
        message: `QEMU refuses ${nameOf(refused)}: its back-end allows ${typeof limit === 'number' ? `${limit} memslot${limit === 1 ? '' : 's'}` : 'fewer memslots'}, and the guest already needs ${counts}`,
        qemu: error,
        data: { limitWhy: limitWhy ?? null, check: check?.explanation ?? null },
        fixes: refused && (refused.kind === 'vhost-device' || refused.kind === 'netdev') ? largerBackendFixes(context, { kind: refused.kind === 'netdev' ? refused.vhost ?? 'vhost-user' : refused.backend, chardev: refused.chardev?.value }) : [],
        range: refused?.range ?? model.headRange,
        subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      }));
    }
    for (const consumer of simulation.consumers) {
      if (consumer.kind === 'kvm' || !consumer.overLimitAfterReset || consumer.limit === null) continue;
      const item = itemOfRef(model, consumer.ref);
      found.push(finding(this, {
        message: `${nameOf(item)} maps ${consumer.used} regions after reset, over its back-end's ${consumer.limit}: it fails when the device starts`,
        qemu: 'vhost_set_mem_table failed',
        data: { usedAtInit: consumer.usedAtInit, limitOrigin: consumer.limitSource.origin },
        range: item?.range ?? model.headRange,
        subjects: [userId(item)].filter((s): s is string => s !== undefined),
      }));
    }
    return found;
  },
};

/**
 * The way out that can be written down: a back-end with more slots, declared with a directive, for
 * each candidate limit that makes QEMU start (a vhost-user back-end's limit is the program's, so
 * this is for a back-end that really has them). Fewer or larger DIMMs, or one virtio-mem instead,
 * are on the rule page.
 */
function largerBackendFixes(context: RuleContext, consumer: { kind: string; chardev?: string | undefined; ref?: ModelRef | null }): Fix[] {
  if (consumer.kind !== 'vhost-user') return [];
  const item = consumer.ref ? itemOfRef(context.model, consumer.ref) : undefined;
  const chardev = consumer.chardev ?? (item && (item.kind === 'vhost-device' || item.kind === 'netdev') ? item.chardev?.value : undefined);
  const pattern = vhostUserPattern(context.model, chardev);
  if (pattern === undefined) return [];
  return [SAFE_MAX_MEMSLOTS]
    .filter((limit) => simulate(context.model, profileWithVhostUser(context.profile, pattern, limit)).outcome === 'starts')
    .map((limit) => declareVhostUserLimitFix(context, pattern, limit, `Declare that the back-end at ${pattern} offers ${limit} memslots (if it does: current virtiofsd, QEMU 9.0+ libvhost-user)`));
}
