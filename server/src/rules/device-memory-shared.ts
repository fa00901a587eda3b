import { GiB, MiB } from '../model/sizes';
import type { MachineModel } from '../model/machine';
import { resolveRef } from '../model/references';
import type { Range } from '../model/range';
import type { Fix, TextEdit } from '../model/findings';
import { simulate, type HostProfile, type RefusalReason, type Simulation } from '../simulator';
import { setMemoryOption } from './edits';
import type { RuleContext } from './types';

/** `-m` spelling of a size: the largest of G, M, K that divides it, else bytes. */
export function memoryOptionSize(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}G`;
  if (bytes % MiB === 0) return `${bytes / MiB}M`;
  if (bytes % 1024 === 0) return `${bytes / 1024}K`;
  return String(bytes);
}

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
  const { model, document, profile, simulation } = context;
  if (model.frontend !== 'qemu') return [];
  const currentSlots = model.memory.slots?.value ?? 0;
  const slots = target.slots !== currentSlots ? target.slots : undefined;
  const raisesMaxmem = target.maxmem > simulation.machine.ramSize && target.maxmem > (model.memory.maxmem?.value ?? 0);
  const maxmem = raisesMaxmem ? target.maxmem : undefined;
  if (maxmem === undefined && slots === undefined) return [];
  const after = resimulate(withMemory(model, { maxmem, slots }), profile).reason;
  if (deviceMemoryRefusals.space(after) || deviceMemoryRefusals.slots(after)) return [];
  const changes: Array<{ key: 'maxmem' | 'slots'; value: string; written: { range: Range } | undefined }> = [];
  if (maxmem !== undefined) changes.push({ key: 'maxmem', value: memoryOptionSize(maxmem), written: model.memory.maxmem });
  if (slots !== undefined) changes.push({ key: 'slots', value: String(slots), written: model.memory.slots });
  const edits: TextEdit[] = [];
  for (const change of changes) {
    const edit = setMemoryOption(document, model.memory.ranges, change.written, change.key, change.value);
    if (!edit) return [];
    edits.push(edit);
  }
  const title = `Set ${changes.map((c) => `${c.key}=${c.value}`).join(' and ')} on -m`;
  return [{ title, edits: mergeInsertions(edits), isPreferred: true, fixAll: true }];
}

/** Two options appended at the same place become one insertion, so no editor can swap them. */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  for (const edit of edits) {
    const last = merged[merged.length - 1];
    const insertion = (e: TextEdit): boolean => e.range.start.line === e.range.end.line && e.range.start.character === e.range.end.character;
    if (last && insertion(last) && insertion(edit) && last.range.start.line === edit.range.start.line && last.range.start.character === edit.range.start.character) {
      merged[merged.length - 1] = { range: last.range, newText: last.newText + edit.newText };
    } else merged.push(edit);
  }
  return merged;
}
