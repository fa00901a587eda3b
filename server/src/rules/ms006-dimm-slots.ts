import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import { MAX_RAM_SLOTS } from '../simulator/constants';
import { formatSize } from '../model/sizes';
import { deviceMemoryFix, dimmCount, deviceMemoryRefusals, memoryDevicesTotal } from './device-memory-shared';
import { itemOfRef, nameOf, userId } from './lookup';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS006 — DIMM slots: every pc-dimm and nvdimm takes one of `-m slots=` (at most 256 on x86,
 * ACPI_MAX_RAM_SLOTS), hw/mem/pc-dimm.c, hw/i386/pc.c (docs/facts/memory-devices.md#one-memslot-devices). virtio-mem and virtio-pmem
 * take none. libvirt refuses too many DIMMs itself ("failed to find an empty memory slot", docs/facts/libvirt.md#validation).
 */
export const dimmSlots: Rule = {
  ...codes.MS006,
  check(context) {
    const { simulation, model } = context;
    const error = simulation.error ?? '';
    if (!deviceMemoryRefusals.slots(simulation.reason)) return [];
    const refused = itemOfRef(model, simulation.refusal?.ref);
    const dimms = dimmCount(model);
    return [finding(this, {
      message: `QEMU refuses ${refused ? nameOf(refused) : '-m'}: ${dimms} DIMM${dimms === 1 ? '' : 's'} need${dimms === 1 ? 's' : ''} ${dimms} of -m slots= (${model.memory.slots?.value ?? 0} given, at most ${MAX_RAM_SLOTS})${maxmemNote(context)}`,
      qemu: error,
      range: refused?.range ?? model.memory.slots?.range ?? model.memory.ranges[0] ?? model.headRange,
      // Without slots= there is nothing to point at but -m itself; say so rather than "set here".
      related: model.memory.ranges.slice(0, 1).map((range) => ({ message: model.memory.slots ? 'slots= is set here' : '-m has no slots= here (0 DIMM slots)', range })),
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      fixes: slotsFix(context, Math.min(MAX_RAM_SLOTS, Math.max(dimms, 1))),
    })];
  },
};

/** Without maxmem, slots= alone is refused too ("slots specified but no max-size"): the fix sets both. */
function slotsFix(context: RuleContext, slots: number): Fix[] {
  const { model, simulation } = context;
  return deviceMemoryFix(context, { maxmem: simulation.machine.ramSize + memoryDevicesTotal(model), slots });
}

/** QEMU stops at the missing slots; say now that maxmem is missing too, so the next run holds no surprise. */
function maxmemNote(context: RuleContext): string {
  const { model, simulation } = context;
  if (model.memory.maxmem) return '';
  const needed = memoryDevicesTotal(model);
  return needed > 0 ? `; maxmem must be ≥ ${formatSize(simulation.machine.ramSize + needed)} too` : '; maxmem is not set either';
}
