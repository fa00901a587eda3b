import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import { formatSize } from '../model/sizes';
import { comparePositions, type Position, type Range } from '../model/range';
import type { MemoryDeviceResult } from '../simulator';
import { consumerName } from './common';
import { itemOfRef } from './locate';
import { slotFigures, usedOfLimit, type ConsumerFigure, type SlotFigures } from './slot-count';

/** A label shown after an item; plain data, the LSP adapter turns it into an InlayHint. */
export interface InlayHintData {
  position: Position;
  label: string;
  tooltip: string;
}

/** VS Code cuts inlay hints at about 43 characters; the verdict comes first and everything fits in this. */
export const inlayHintMaxLength = 40;

/**
 * Hints after every memslot-consuming item (memory devices, boot memory, vhost backends) and one
 * summary after the QEMU binary or the `<domain>` tag, only those inside `range`. The figures come
 * from slotFigures, like the hover's and the report's.
 */
export function inlayHints(analysis: DocumentAnalysis, range: Range): InlayHintData[] {
  const hints = analysis.machines.flatMap(machineHints);
  return hints.filter((hint) => comparePositions(range.start, hint.position) <= 0 && comparePositions(hint.position, range.end) <= 0);
}

function machineHints(machine: MachineAnalysis): InlayHintData[] {
  const simulation = machine.simulation;
  if (!simulation) return [];
  const figures = slotFigures(simulation, machine.model);
  const hints: InlayHintData[] = [];
  hints.push({
    position: machine.model.headRange.end,
    label: summaryLabel(figures, simulation.refusedBy, (machine.uncertain?.length ?? 0) > 0),
    tooltip: summaryTooltip(figures, simulation.error),
  });

  const memoryRange = machine.model.memory.ranges[0];
  if (figures.bootSlots !== undefined && memoryRange) {
    const boot = simulation.events.find((event) => event.action === 'machine-init')?.decisions.find((decision) => decision.what === 'boot-layout');
    hints.push({ position: memoryRange.end, label: `+${figures.bootSlots} KVM slot${figures.bootSlots === 1 ? '' : 's'}`, tooltip: `Boot memory and firmware, ${figures.momentText}. ${boot?.explanation ?? ''}`.trim() });
  }

  for (const device of simulation.memoryDevices) {
    const item = itemOfRef(machine.model, device.ref);
    if (item) hints.push({ position: item.range.end, label: memoryDeviceLabel(device), tooltip: memoryDeviceTooltip(device) });
  }
  for (const consumer of simulation.consumers) {
    if (consumer.kind === 'kvm') continue;
    const item = itemOfRef(machine.model, consumer.ref);
    const figure = figures.consumers.find((candidate) => candidate.id === consumer.id && candidate.kind === consumer.kind);
    if (!item || !figure) continue;
    hints.push({
      position: item.range.end,
      label: `${usedOfLimit(figure)} slots`,
      tooltip: `${consumerName(consumer)}: ${figure.used} regions in use ${figures.momentText}, ${figure.reserved} reserved; limit ${figure.limit ?? 'none'} (${figure.limitOrigin})`,
    });
  }
  const refused = simulation.refusal?.ref ? itemOfRef(machine.model, simulation.refusal?.ref) : undefined;
  if (refused && !simulation.memoryDevices.some((device) => device.status === 'refused' && device.ref.index === simulation.refusal?.ref?.index && device.ref.collection === simulation.refusal?.ref?.collection)) {
    const label = figures.refused ? `✗ refused · ${usedOfLimit(figures.refused, true)}` : '✗ refused';
    hints.push({ position: refused.range.end, label, tooltip: refusedTooltip(figures.refused, simulation.error) });
  }
  return hints.sort((a, b) => comparePositions(a.position, b.position));
}

/** Verdict first, then figures while they fit: `✗ fs0 · vu 2/32`, `✓ KVM 6/32764 · vu fs0 4/509`. */
export function summaryLabel(figures: SlotFigures, refusedBy: string | null, uncertain: boolean): string {
  const refused = figures.moment === 'when-refused';
  const head = `${refused ? '✗' : '✓'}${uncertain ? '?' : ''}${refused ? ` ${refusedBy ?? 'refused'}` : ''}`;
  const parts = figures.refused
    ? [`${figures.refused.short.split(' ')[0]} ${usedOfLimit(figures.refused)}`]
    : figures.consumers.map((figure) => `${figure.short} ${usedOfLimit(figure)}`);
  if (parts.length === 0) return refused ? head : `${head} starts`;
  let label = head;
  parts.forEach((part, index) => {
    if (label.endsWith('…')) return;
    const next = `${label}${index === 0 && !refused ? ' ' : ' · '}${part}`;
    label = next.length <= inlayHintMaxLength ? next : `${label} …`;
  });
  return label;
}

function summaryTooltip(figures: SlotFigures, error: string | null): string {
  const rows = [...figures.consumers, ...(figures.refused ? [figures.refused] : [])].map((figure: ConsumerFigure) => `${figure.short}: ${figure.used} used + ${figure.reserved} reserved, limit ${figure.limit ?? 'none'}`);
  const head = figures.moment === 'when-refused' ? `QEMU refuses: ${error ?? ''}` : 'QEMU starts.';
  return `${head}\nSlots ${figures.momentText}:\n${rows.join('\n')}`;
}

function refusedTooltip(figure: ConsumerFigure | undefined, error: string | null): string {
  if (!figure) return error ?? '';
  return `${figure.id}: would map ${figure.used} regions with ${figure.reserved} more reserved by memory devices; its back-end allows ${figure.limit ?? 'any number'}.\nQEMU: ${error ?? ''}`;
}

function memoryDeviceLabel(device: MemoryDeviceResult): string {
  if (device.status === 'refused') return '✗ refused';
  if (device.memslots > 1 && device.memslotSize !== null) {
    return `${device.memslots} × ${formatSize(device.memslotSize)}, ${device.mapped} mapped`;
  }
  return `+${device.memslots} slot${device.memslots === 1 ? '' : 's'}${device.mapped === 0 ? ', unmapped' : ''}`;
}

function memoryDeviceTooltip(device: MemoryDeviceResult): string {
  const reserved = device.memslots - device.mapped;
  return `${device.id}: requires ${device.memslots} memslot(s); ${device.mapped} mapped at start, ${reserved} reserved in KVM and every vhost backend; ${device.mappedAfterGuestPlug} mapped once the guest plugs its requested size`;
}
