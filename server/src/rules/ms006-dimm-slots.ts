import type { Fix } from '../model/findings';
import { MAX_RAM_SLOTS } from '../simulator/constants';
import { setMemoryOption } from './edits';
import { dimmCount, deviceMemoryErrors, resimulate, withMemory } from './device-memory-shared';
import { describeItem, itemOfRef, userId } from './lookup';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS006 — DIMM slots: every pc-dimm and nvdimm takes one of `-m slots=` (at most 256 on x86,
 * ACPI_MAX_RAM_SLOTS), hw/mem/pc-dimm.c, hw/i386/pc.c (spec §1.7, §7). virtio-mem and virtio-pmem
 * take none. libvirt: "count of memory devices requiring memory slots '%1$zu' exceeds slots count '%2$u'".
 */
export const dimmSlots: Rule = {
  code: 'MS006',
  slug: 'dimm-slots-too-few',
  title: 'slots= too low (or too high) for the DIMMs',
  defaultSeverity: 'error',
  reporter: 'rule',
  check(context) {
    const { simulation, model } = context;
    const error = simulation.error ?? '';
    if (!deviceMemoryErrors.slots(error)) return [];
    const refused = itemOfRef(model, simulation.refusedByRef);
    const dimms = dimmCount(model);
    return [finding(this, {
      message: `QEMU refuses ${refused ? describeItem(refused) : 'the -m option'}: "${error}". The command line has ${dimms} DIMM-like device(s) (pc-dimm, nvdimm), each needing one of -m slots= (${model.memory.slots?.value ?? 0} given, at most ${MAX_RAM_SLOTS}).`,
      range: refused?.range ?? model.memory.slots?.range ?? model.memory.ranges[0] ?? model.headRange,
      // Without slots= there is nothing to point at but -m itself; say so rather than "set here".
      related: model.memory.ranges.slice(0, 1).map((range) => ({ message: model.memory.slots ? 'slots= is set here' : '-m has no slots= here (0 DIMM slots)', range })),
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      fixes: slotsFix(context, Math.min(MAX_RAM_SLOTS, Math.max(dimms, 1))),
    })];
  },
};

function slotsFix(context: RuleContext, slots: number): Fix[] {
  const { model, document, profile } = context;
  if (model.frontend !== 'qemu' || !model.memory.maxmem) return [];
  const after = resimulate(withMemory(model, { slots }), profile);
  if (deviceMemoryErrors.slots(after.error ?? '')) return [];
  const edit = setMemoryOption(document, model.memory.ranges, model.memory.slots, 'slots', String(slots));
  return edit ? [{ title: `Set slots=${slots} on -m`, edits: [edit], isPreferred: true, fixAll: true }] : [];
}
