import type { EventAction, EventPhase, ModelRef, RefusalReason, SimulationEvent, SlotTotals } from './types';
import type { SimState } from './state';

export function openEvent(
  state: SimState, phase: EventPhase, action: EventAction, id: string | null, ref: ModelRef | null): SimulationEvent {
  const event: SimulationEvent = { step: state.nextStep(), phase, action, id, ref, result: 'ok', reason: null, error: null, warnings: [], decisions: [] };
  state.events.push(event);
  return event;
}

/** Marks the step refused: why (the reason rules read) and QEMU's text (for display). */
export function refuse(event: SimulationEvent, reason: RefusalReason, error: string): SimulationEvent {
  event.result = 'refused';
  event.reason = reason;
  event.error = error;
  return event;
}

/**
 * Stamps every event that has no `slotsAfter` yet with the slots in use now. Called when a step is
 * finished, before the state moves on (a stage change re-lays out boot memory).
 */
export function settleUsage(state: SimState): void {
  let totals: SlotTotals | undefined;
  for (let i = state.events.length - 1; i >= 0; i--) {
    const event = state.events[i];
    if (event === undefined || event.slotsAfter !== undefined) break;
    totals ??= sharedTotals(state, currentTotals(state));
    event.slotsAfter = totals;
  }
}

/**
 * Reuses the previous totals object when the counts are the same, so a large model keeps one
 * object per change rather than one per event (the result is identical as data; nobody mutates it).
 * Which keys are present depends only on the machine, so comparing the values is enough.
 */
function sharedTotals(state: SimState, totals: SlotTotals): SlotTotals {
  const last = state.lastSlotTotals;
  if (last && last.vhostUser === totals.vhostUser && last.vhostOther === totals.vhostOther && last.kvm === totals.kvm
    && last.kvmSmram === totals.kvmSmram) return last;
  state.lastSlotTotals = totals;
  return totals;
}

function currentTotals(state: SimState): SlotTotals {
  const totals: SlotTotals = { vhostUser: state.vhostUsed('vhost-user'), vhostOther: state.vhostUsed('vhost-kernel') };
  if (state.ctx.kvm) {
    totals.kvm = state.kvmUsed(0);
    if (state.ctx.smmAddressSpace) totals.kvmSmram = state.kvmUsed(1);
  }
  return totals;
}
