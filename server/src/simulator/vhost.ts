import type { VhostBackendKind } from '../model/machine';
import { findVhostUserRule, resolveVhostUserLimit } from './profile';
import { SAFE_MAX_MEMSLOTS } from './constants';
import { messages } from './messages';
import { openEvent, refuse } from './events';
import type { SimState, VhostState } from './state';
import type { EventPhase, ModelRef, RefusalReason, SimulationEvent } from './types';

/**
 * vhost_dev_init() of one vhost device (a vhost netdev or a vhost `-device`): learn the back-end's
 * limit, then check A (auto-decision active and limit < 509) and check B (regions in use plus
 * reserved memory-device slots exceed the limit): docs/facts/memslots.md#vhost-check-a and
 * docs/facts/memslots.md#vhost-check-b.
 */
export interface VhostSpec {
  id: string;
  ref: ModelRef;
  kind: VhostBackendKind;
  chardev?: string;
  /** A netdev: QEMU adds "failed to init vhost_net" and, when hot-added, retries forever. */
  netdev: boolean;
}

interface ResolvedLimit {
  limit: number | null;
  source: VhostState['limitSource'];
  known: boolean;
  explanation: string;
  socketPath: string | null;
}

function resolveLimit(state: SimState, spec: VhostSpec): ResolvedLimit {
  const { profile, version, model } = state.ctx;
  if (spec.kind === 'vhost-vdpa') {
    return { limit: null, source: { source: 'qemu', origin: 'vhost-vdpa has no memslot limit' }, known: true, explanation: 'vhost-vdpa: no memslot limit', socketPath: null };
  }
  if (spec.kind === 'vhost-kernel') {
    const limit = profile.vhostMaxMemRegions.value;
    return {
      limit, source: { source: profile.vhostMaxMemRegions.source, origin: profile.vhostMaxMemRegions.origin }, known: true,
      explanation: `vhost-kernel limit ${limit} = the vhost module's max_mem_regions (${profile.vhostMaxMemRegions.origin})`, socketPath: null,
    };
  }
  const chardev = spec.chardev !== undefined ? state.chardevs.get(spec.chardev) : undefined;
  const socketPath = chardev?.path?.value ?? null;
  const rule = findVhostUserRule(profile, socketPath ?? undefined, spec.chardev);
  if (rule) {
    const limit = resolveVhostUserLimit(rule.limit, version, model.arch);
    const reported = rule.limit === 'no-configure-mem-slots' ? 'lacks CONFIGURE_MEM_SLOTS' : `reports ${rule.limit}`;
    const capped = typeof rule.limit === 'number' && limit < rule.limit ? `, capped by QEMU at ${limit}` : '';
    return {
      limit, source: { source: rule.source, origin: rule.origin }, known: true,
      explanation: `vhost-user limit ${limit}: the back-end ${reported}${capped} (${rule.origin})`, socketPath,
    };
  }
  const assumed = profile.unknownVhostUserAssumption;
  const limit = resolveVhostUserLimit(assumed.value, version, model.arch);
  state.unknownBackends.push({ id: spec.id, chardev: spec.chardev ?? null, socketPath, assumedLimit: limit, ref: spec.ref });
  return {
    limit, source: { source: 'assumed', origin: assumed.origin }, known: false,
    explanation: `vhost-user limit unknown for ${socketPath ?? spec.chardev ?? spec.id}; assuming ${limit} (${assumed.origin})`, socketPath,
  };
}

export function initVhost(state: SimState, spec: VhostSpec, phase: EventPhase): SimulationEvent {
  const event = openEvent(state, phase, 'vhost-init', spec.id, spec.ref);
  const resolved = resolveLimit(state, spec);
  event.decisions.push({
    what: 'vhost-limit', inputs: { kind: spec.kind, chardev: spec.chardev ?? null, socketPath: resolved.socketPath, known: resolved.known },
    result: resolved.limit, explanation: resolved.explanation,
  });
  const limit = resolved.limit;
  const fail = (reason: RefusalReason, error: string): SimulationEvent => {
    refuse(event, reason, error);
    if (spec.netdev) {
      event.warnings.push(messages.vhostNetInitFailed(0));
      if (phase === 'hotplug') event.result = 'hang';
    }
    return event;
  };
  if (state.modern && limit !== null) {
    const active = state.autoDecisions > 0;
    const refused = limit < SAFE_MAX_MEMSLOTS && active;
    // Naming the deciding devices costs a scan, so only a refusal pays it.
    const decidedBy = refused ? state.memoryDevices.filter((d) => d.autoDecided && d.status === 'plugged').map((d) => d.id).join(',') : null;
    event.decisions.push({
      what: 'auto-decision-check', inputs: { limit, autoDecidingDevices: state.autoDecisions, decidedBy }, result: !refused, passed: !refused,
      explanation: active
        ? `${decidedBy ?? `${state.autoDecisions} memory device(s)`} decided more than one memslot; a back-end limit of ${limit} is ${refused ? `below ${SAFE_MAX_MEMSLOTS}: refused` : `at least ${SAFE_MAX_MEMSLOTS}: accepted`}`
        : 'no memory device has auto-decided more than one memslot',
    });
    if (refused) return fail('auto-decision-refuses-vhost', messages.autoDecisionRefusesVhost);
  }
  const used = state.vhostUsed(spec.kind);
  const reserved = state.modern ? state.reserved() : 0;
  if (limit !== null) {
    const ok = state.modern ? used + reserved <= limit : used <= limit;
    event.decisions.push({
      what: 'vhost-used-check', inputs: { limit, used, reserved, stage: state.stage }, result: ok, passed: ok,
      explanation: `${used} region(s) in use${state.stage === 'netdevs' ? ' (boot RAM is not mapped yet when netdevs start)' : ''} + ${reserved} reserved ${ok ? '≤' : '>'} limit ${limit}`,
    });
    if (!ok) return fail('vhost-limit-below-used', state.modern ? messages.vhostLimitBelowUsed(limit, used, reserved) : messages.vhostLimitBelowUsedLegacy);
  }
  state.addVhost({
    id: spec.id, ref: spec.ref, kind: spec.kind, limit, limitSource: resolved.source, limitKnown: resolved.known,
    usedAtInit: used, active: true, fromStep: event.step, untilStep: null,
  });
  return event;
}
