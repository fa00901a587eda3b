import type { EventAction, EventPhase, ModelRef, SimulationEvent } from './types';
import type { SimState } from './state';

export function openEvent(state: SimState, phase: EventPhase, action: EventAction, id: string | null, ref: ModelRef | null): SimulationEvent {
  const event: SimulationEvent = { step: state.nextStep(), phase, action, id, ref, result: 'ok', error: null, warnings: [], decisions: [] };
  state.events.push(event);
  return event;
}

export function refuse(event: SimulationEvent, error: string): SimulationEvent {
  event.result = 'refused';
  event.error = error;
  return event;
}

/**
 * Stamps every event that has no `usageAfter` yet with the slots each consumer uses now. Called
 * when a step is finished, before the state moves on (a stage change re-lays out boot memory).
 */
export function settleUsage(state: SimState): void {
  let usage: Record<string, number> | undefined;
  for (let i = state.events.length - 1; i >= 0 && state.events[i].usageAfter === undefined; i--) {
    usage ??= currentUsage(state);
    state.events[i].usageAfter = { ...usage };
  }
}

function currentUsage(state: SimState): Record<string, number> {
  const usage: Record<string, number> = {};
  if (state.ctx.kvm) {
    usage.kvm = state.kvmUsed(0);
    if (state.ctx.smmAddressSpace) usage['kvm-smram'] = state.kvmUsed(1);
  }
  for (const vhost of state.vhosts) if (vhost.active) usage[vhost.id] = state.vhostUsed(vhost.kind);
  return usage;
}
