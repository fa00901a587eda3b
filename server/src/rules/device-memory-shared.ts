import { GiB, MiB } from '../model/sizes';
import type { MachineModel } from '../model/machine';
import { messages, simulate, type HostProfile, type Simulation } from '../simulator';

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
    if (device.kind !== 'memory-device' || !device.memdev) continue;
    total += model.backends.find((b) => b.id?.value === device.memdev?.value)?.size?.value ?? 0;
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

export const deviceMemoryErrors = {
  space: (error: string): boolean =>
    error === messages.noDeviceMemory || error === messages.noDeviceMemoryLegacy || error.startsWith('not enough space, currently ') ||
    error === messages.slotsWithoutMaxmem || error.startsWith('invalid value of maxmem'),
  slots: (error: string): boolean => error === messages.noDimmSlots || error === messages.noFreeDimmSlots || error.startsWith('unsupported amount of memory slots'),
};

export function resimulate(model: MachineModel, profile: HostProfile): Simulation {
  return simulate(model, profile);
}
