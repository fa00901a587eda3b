import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import { applyProfileOptions, simulate } from '../simulator';
import { describeItem, itemOfRef, nameOf, userId } from './lookup';
import { declareVhostUserLimitFix, profileWithVhostUser } from './shared-fixes';
import { finding, type Rule } from './types';

/**
 * MS012 — a vhost-user back-end whose memslot limit nobody declared, where the verdict depends on
 * it. The limit is the back-end's answer to VHOST_USER_GET_MAX_MEM_SLOTS, or 8 without
 * CONFIGURE_MEM_SLOTS (docs/facts/vhost-user-backends.md#backend-limits): DPDK/SPDK 8, libvhost-user before
 * QEMU 9.0 and older rust-vmm daemons 32, current ones 509. The rule simulates 8, 32 and 509 and
 * reports only when they disagree.
 */
const candidateLimits: Array<{ limit: number; who: string }> = [
  { limit: 8, who: 'DPDK/SPDK, back-ends without CONFIGURE_MEM_SLOTS' },
  { limit: 32, who: 'libvhost-user before QEMU 9.0, older rust-vmm daemons such as virtiofsd' },
  { limit: 509, who: 'libvhost-user from QEMU 9.0, current rust-vmm vhost-user-backend' },
];

/**
 * Each back-end checked on its own costs three simulations of the whole machine; past this many
 * back-ends the rest are checked together (three more), so a machine with thousands of
 * undeclared back-ends stays linear.
 */
export const maxBackendsCheckedAlone = 16;

export const vhostUserLimitUnknown: Rule = {
  ...codes.MS012,
  check(context) {
    const { simulation, model, profile } = context;
    const directive = context.editor.vocabulary.directive;
    const found = [];
    const alone = simulation.unknownBackends.slice(0, maxBackendsCheckedAlone);
    for (const unknown of alone) {
      const item = itemOfRef(model, unknown.ref);
      // The simulator already read the chardev's socket path; without one the chardev id names it.
      const pattern = unknown.socketPath ?? unknown.chardev ?? undefined;
      if (pattern === undefined) continue;
      const outcomes = candidateLimits.map((candidate) => {
        const result = simulate(model, profileWithVhostUser(profile, pattern, candidate.limit));
        return { ...candidate, starts: result.outcome === 'starts', error: result.error };
      });
      if (outcomes.every((o) => o.starts === outcomes[0].starts)) continue;
      const pass = outcomes.filter((o) => o.starts).map((o) => o.limit);
      const fail = outcomes.filter((o) => !o.starts);
      const fixes: Fix[] = candidateLimits.map((candidate) =>
        declareVhostUserLimitFix(context, pattern, candidate.limit, `Declare the back-end at ${pattern}: ${candidate.limit} memslots (${candidate.who})`));
      found.push(finding(this, {
        message: `The verdict depends on ${nameOf(item)}'s undeclared back-end limit: QEMU starts with ${pass.join(' or ')}, refuses with ${fail.map((o) => o.limit).join(' or ')}`,
        qemu: fail[0]?.error ?? undefined,
        data: {
          pattern, passes: pass, fails: fail.map((o) => o.limit),
          assumed: `${unknown.assumedLimit} (${profile.unknownVhostUserAssumption.origin})`,
          // How to declare it, in this file kind's own spelling (the hover and the rule page show it).
          declare: `Declare it with '${directive('vhost-user', `${pattern}=N`)}', the setting memslot.host.vhostUserBackends, or the CLI's --vhost-user; or change the limit assumed for every undeclared back-end with --vhost-user-unknown N|nocfg (directive '${directive('vhost-user-unknown', 'N')}', setting memslot.host.vhostUserUnknownLimit).`,
        },
        range: item?.range ?? model.headRange,
        subjects: [userId(item)].filter((s): s is string => s !== undefined),
        fixes,
      }));
    }
    const rest = simulation.unknownBackends.slice(maxBackendsCheckedAlone);
    const first = rest[0];
    if (first !== undefined) {
      // The rest together: the assumption for every undeclared back-end set to each candidate.
      const outcomes = candidateLimits.map((candidate) => ({
        ...candidate,
        starts: simulate(model, applyProfileOptions(profile, { unknownVhostUserAssumption: candidate.limit }, 'directive')).outcome === 'starts',
      }));
      if (outcomes.some((o) => o.starts !== outcomes[0].starts)) {
        const item = itemOfRef(model, first.ref);
        const fail = outcomes.filter((o) => !o.starts).map((o) => o.limit).join(' or ');
        found.push(finding(this, {
          message: `${describeItem(item)} and ${rest.length - 1} more back-ends: limits undeclared; with ${fail} for all, QEMU refuses`,
          range: item?.range ?? model.headRange,
          subjects: [userId(item)].filter((s): s is string => s !== undefined),
          data: {
            undeclared: rest.length,
            passes: outcomes.filter((o) => o.starts).map((o) => o.limit),
            fails: outcomes.filter((o) => !o.starts).map((o) => o.limit),
          },
        }));
      }
    }
    return found;
  },
};
