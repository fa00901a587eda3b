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
