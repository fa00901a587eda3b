import type { MachineModel } from '../model/machine';
import { resolveRef } from '../model/references';
import type { Fix } from '../model/findings';
import { simulate, type HostProfile, type RefusalReason, type Simulation } from '../simulator';
import type { RuleContext } from './types';

/** Sum of the backend sizes of every memory device (what maxmem − ram must hold). */
export function memoryDevicesTotal(model: MachineModel): number {
  let total = 0;
  for (const device of model.devices) {
    if (device.kind === 'memory-device') total += resolveRef(model.backends, device.memdev)?.size?.value ?? 0;
  }
  return total;
}

export function dimmCount(model: MachineModel): number {
  return model.devices.filter((d) => d.kind === 'memory-device' && (d.memoryKind === 'pc-dimm' || d.memoryKind === 'nvdimm')).length;
}

/** A model with other `-m` values, to check a fix by simulating it. */
export function withMemory(model: MachineModel, changes: { maxmem?: number; slots?: number }): MachineModel {
  const memory = { ...model.memory };
  if (changes.maxmem !== undefined) memory.maxmem = { value: changes.maxmem, range: model.memory.maxmem?.range ?? model.headRange, origin: 'written' };
  if (changes.slots !== undefined) memory.slots = { value: changes.slots, range: model.memory.slots?.range ?? model.headRange, origin: 'written' };
  return { ...model, memory };
}

const spaceReasons: ReadonlySet<RefusalReason> = new Set<RefusalReason>([
  'no-device-memory', 'device-memory-full', 'slots-without-maxmem', 'maxmem-below-ram', 'maxmem-equals-ram',
]);
const slotReasons: ReadonlySet<RefusalReason> = new Set<RefusalReason>(['no-dimm-slots', 'dimm-slots-full', 'too-many-dimm-slots']);

/** The refusals MS005 (device memory: maxmem) and MS006 (DIMM slots: slots=) report. */
export const deviceMemoryRefusals = {
  space: (reason: RefusalReason | null): boolean => reason !== null && spaceReasons.has(reason),
  slots: (reason: RefusalReason | null): boolean => reason !== null && slotReasons.has(reason),
};

export function resimulate(model: MachineModel, profile: HostProfile): Simulation {
  return simulate(model, profile);
}

/**
 * One fix for what device memory needs on `-m`: `slots=` for the DIMMs and `maxmem=` for all the
 * memory devices. QEMU reports only the first that is missing (a pc-dimm asks for slots before
 * device memory, and `slots=` without `maxmem` is refused on its own), so MS005 and MS006 both
 * offer this one fix rather than trading one refusal for the next. `slots` is set when it differs
 * from what is written, `maxmem` only raised. Offered only when a rerun of the simulation with the
 * new values reports neither problem.
 */
export function deviceMemoryFix(context: RuleContext, target: { maxmem: number; slots: number }): Fix[] {
  const { model, editor, profile, simulation } = context;
  const currentSlots = model.memory.slots?.value ?? 0;
  const slots = target.slots !== currentSlots ? target.slots : undefined;
  const raisesMaxmem = target.maxmem > simulation.machine.ramSize && target.maxmem > (model.memory.maxmem?.value ?? 0);
  const maxmem = raisesMaxmem ? target.maxmem : undefined;
  if (maxmem === undefined && slots === undefined) return [];
  // Asked first: a file that cannot write the limits spares the simulation.
  const proposed = editor.setMemoryLimits({ maxmem, slots });
  if (!proposed) return [];
  const after = resimulate(withMemory(model, { maxmem, slots }), profile).reason;
  if (deviceMemoryRefusals.space(after) || deviceMemoryRefusals.slots(after)) return [];
  return [{ ...proposed, isPreferred: true, fixAll: true }];
}
