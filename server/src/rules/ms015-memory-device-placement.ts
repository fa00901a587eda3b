import { messages } from '../simulator';
import { describeItem, itemOfRef, refusalEvent, userId, decisionOf } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS015 — QEMU cannot place a memory device in guest-physical memory (hw/mem/pc-dimm.c
 * pc_dimm_pre_plug, hw/mem/memory-device.c memory_device_pre_plug / memory_device_get_free_addr):
 * a DIMM `slot=` outside `-m slots=` or already taken, a backend size that is not a multiple of its
 * memory region's alignment, an `addr=`/`memaddr=` that is unaligned, outside the device-memory
 * window (which an AMD vCPU moves above 1 TiB) or on top of another memory device, and a window
 * fragmented by alignment. The simulator places every device in QEMU's order (simulator/placement.ts).
 */
const placementErrors: Array<{ test: (error: string) => boolean; property: 'slot' | 'memaddr' | 'size'; says: (error: string) => string }> = [
  { test: (e) => e.startsWith('invalid slot number '), property: 'slot', says: () => 'its slot= is outside -m slots=' },
  { test: (e) => /^slot \d+ is busy$/.test(e), property: 'slot', says: () => 'its slot= is already taken by an earlier DIMM' },
  { test: (e) => e.startsWith('backend memory size must be multiple of '), property: 'size', says: (e) => `its backend size is not a multiple of ${e.slice(e.lastIndexOf(' ') + 1)}` },
  { test: (e) => e.startsWith('address must be aligned to '), property: 'memaddr', says: (e) => `its address is not aligned to ${/0x[0-9a-f]+/.exec(e)?.[0] ?? 'its alignment'}` },
  { test: (e) => e.startsWith("can't add memory device ["), property: 'memaddr', says: () => 'its address is outside the device-memory window' },
  { test: (e) => e.startsWith('address range conflicts with memory device '), property: 'memaddr', says: (e) => `its address overlaps memory device ${/id='(.*)'$/.exec(e)?.[1] ?? ''}` },
  { test: (e) => e === messages.fragmented || e === messages.tooBig, property: 'memaddr', says: () => 'no aligned gap is left in the device-memory window' },
];

export const memoryDevicePlacement: Rule = {
  code: 'MS015',
  slug: 'memory-device-placement',
  title: 'memory device slot or address refused',
  defaultSeverity: 'error',
  reporter: 'rule',
  check(context) {
    const { simulation, model } = context;
    const error = simulation.error ?? '';
    const kind = placementErrors.find((entry) => entry.test(error));
    if (!kind) return [];
    const refused = itemOfRef(model, simulation.refusedByRef);
    const device = refused?.kind === 'memory-device' ? refused : undefined;
    const written = kind.property === 'slot' ? device?.slot : kind.property === 'memaddr' ? device?.memaddr : undefined;
    const range = written && written.range !== device?.range ? written.range : refused?.range ?? model.headRange;
    const placement = decisionOf(refusalEvent(simulation), kind.property === 'slot' ? 'dimm-slot-check' : 'device-address');
    const related = [{ message: `QEMU: ${error}`, range: refused?.range ?? model.headRange }];
    if (placement) related.push({ message: placement.explanation, range: refused?.range ?? model.headRange });
    const conflict = /id='(.*)'$/.exec(error)?.[1];
    const other = conflict ? model.devices.find((d) => d.id?.value === conflict) : undefined;
    if (other) related.push({ message: `${describeItem(other)} is there`, range: other.range });
    return [finding(this, {
      message: `QEMU refuses ${describeItem(refused)}: ${kind.says(error)}`,
      range,
      related,
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
    })];
  },
};
