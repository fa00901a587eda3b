import { codes } from '../model/codes';
import { describeItem, itemOfRef, refusalEvent, userId, decisionOf } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS015 — QEMU cannot place a memory device in guest-physical memory (hw/mem/pc-dimm.c
 * pc_dimm_pre_plug, hw/mem/memory-device.c memory_device_pre_plug / memory_device_get_free_addr):
 * a DIMM `slot=` outside `-m slots=` or already taken, a backend size that is not a multiple of its
 * memory region's alignment, an `addr=`/`memaddr=` that is unaligned, outside the device-memory
 * window (which an AMD vCPU moves above 1 TiB) or on top of another memory device, and a window
 * fragmented by alignment. The simulator places every device in QEMU's order (simulator/placement.ts)
 * and records why in its 'dimm-slot-check' / 'device-address' decisions.
 */
const hex = (n: number): string => `0x${n.toString(16)}`;

export const memoryDevicePlacement: Rule = {
  ...codes.MS015,
  check(context) {
    const { simulation, model } = context;
    const reason = simulation.reason;
    if (reason !== 'dimm-slot-unusable' && reason !== 'memory-address-unusable' && reason !== 'memory-region-alignment') return [];
    const refused = itemOfRef(model, simulation.refusal?.ref ?? null);
    const device = refused?.kind === 'memory-device' ? refused : undefined;
    const event = refusalEvent(simulation);
    let says: string;
    let written = device?.memaddr;
    if (reason === 'dimm-slot-unusable') {
      written = device?.slot;
      const slot = device?.slot?.value ?? -1;
      says = slot >= 0 && slot < simulation.machine.slots ? 'its slot= is already taken by an earlier DIMM' : 'its slot= is outside -m slots=';
    } else if (reason === 'memory-region-alignment') {
      written = undefined;
      const alignment = decisionOf(event, 'device-address')?.inputs.alignment;
      says = `its backend size is not a multiple of ${typeof alignment === 'number' ? hex(alignment) : 'its alignment'}`;
    } else {
      const inputs = decisionOf(event, 'device-address')?.inputs ?? {};
      says = {
        unaligned: `its address is not aligned to ${typeof inputs.alignment === 'number' ? hex(inputs.alignment) : 'its alignment'}`,
        'outside-window': 'its address is outside the device-memory window',
        conflict: `its address overlaps memory device ${String(inputs.conflictWith ?? '')}`,
        'no-gap': 'no aligned gap is left in the device-memory window',
      }[String(inputs.problem)] ?? 'QEMU cannot place it';
    }
    const range = written && written.range !== device?.range ? written.range : refused?.range ?? model.headRange;
    const placement = decisionOf(event, reason === 'dimm-slot-unusable' ? 'dimm-slot-check' : 'device-address');
    const related = [{ message: `QEMU: ${simulation.error ?? ''}`, range: refused?.range ?? model.headRange }];
    if (placement) related.push({ message: placement.explanation, range: refused?.range ?? model.headRange });
    const conflict = placement?.inputs.conflictWith;
    const other = typeof conflict === 'string' ? model.devices.find((d) => (d.id?.value ?? d.displayName) === conflict || userId(d) === conflict) : undefined;
    if (other) related.push({ message: `${describeItem(other)} is there`, range: other.range });
    return [finding(this, {
      message: `QEMU refuses ${describeItem(refused)}: ${says}`,
      range,
      related,
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
    })];
  },
};
