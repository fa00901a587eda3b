import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import { formatSize } from '../model/sizes';
import { comparePositions, type Position, type Range } from '../model/range';
import type { MemoryDeviceResult } from '../simulator';
import { busiestKvm, consumerName, consumerShortName, verdictText } from './common';
import { itemOfRef } from './locate';

/** A label shown after an item; plain data, the LSP adapter turns it into an InlayHint. */
export interface InlayHintData {
  position: Position;
  label: string;
  tooltip: string;
}

/**
 * Hints after every memslot-consuming item (memory devices, boot memory, vhost backends) and one
 * summary after the QEMU binary or the `<domain>` tag, only those inside `range`.
 */
export function inlayHints(analysis: DocumentAnalysis, range: Range): InlayHintData[] {
  const hints = analysis.machines.flatMap(machineHints);
  return hints.filter((hint) => comparePositions(range.start, hint.position) <= 0 && comparePositions(hint.position, range.end) <= 0);
}

function machineHints(machine: MachineAnalysis): InlayHintData[] {
  const simulation = machine.simulation;
  if (!simulation) return [];
  const hints: InlayHintData[] = [];
  const kvm = busiestKvm(simulation);
  const summary = [
    ...(kvm ? [`KVM ${kvm.used}/${kvm.limit ?? '∞'}`] : []),
    ...simulation.consumers.filter((consumer) => consumer.kind !== 'kvm').map((consumer) => `${consumerShortName(consumer)} ${consumer.used}/${consumer.limit ?? '∞'}`),
    verdictText(simulation, machine.uncertain),
  ];
  hints.push({
    position: machine.model.headRange.end,
    label: summary.join(' · '),
    tooltip: simulation.outcome === 'refused' ? `QEMU refuses: ${simulation.error ?? ''}` : 'memslots in use after start / limit, per consumer',
  });

  const boot = simulation.events.find((event) => event.action === 'machine-init')?.decisions.find((decision) => decision.what === 'boot-layout');
  const memoryRange = machine.model.memory.ranges[0];
  if (boot && memoryRange && typeof boot.result === 'number') {
    hints.push({ position: memoryRange.end, label: `+${boot.result} KVM slot${boot.result === 1 ? '' : 's'}`, tooltip: boot.explanation });
  }

  for (const device of simulation.memoryDevices) {
    const item = itemOfRef(machine.model, device.ref);
    if (item) hints.push({ position: item.range.end, label: memoryDeviceLabel(device), tooltip: memoryDeviceTooltip(device) });
  }
  for (const consumer of simulation.consumers) {
    if (consumer.kind === 'kvm') continue;
    const item = itemOfRef(machine.model, consumer.ref);
    if (!item) continue;
    const limit = consumer.limit === null ? 'no limit' : `${consumer.limit}${consumer.limitKnown ? '' : '?'}`;
    hints.push({
      position: item.range.end,
      label: `${consumer.used}/${limit} slots`,
      tooltip: `${consumerName(consumer)}: ${consumer.used} regions in use after start, limit ${consumer.limit ?? 'none'} (${consumer.limitSource.origin})`,
    });
  }
  const refused = simulation.refusal?.ref ? itemOfRef(machine.model, simulation.refusal?.ref) : undefined;
  if (refused && !simulation.memoryDevices.some((device) => device.status === 'refused' && device.ref.index === simulation.refusal?.ref?.index && device.ref.collection === simulation.refusal?.ref?.collection)) {
    hints.push({ position: refused.range.end, label: 'refused', tooltip: simulation.error ?? '' });
  }
  return hints.sort((a, b) => comparePositions(a.position, b.position));
}

function memoryDeviceLabel(device: MemoryDeviceResult): string {
  if (device.status === 'refused') return 'refused';
  if (device.memslots > 1 && device.memslotSize !== null) {
    return `${device.memslots} × ${formatSize(device.memslotSize)}, ${device.mapped} mapped`;
  }
  return `+${device.memslots} slot${device.memslots === 1 ? '' : 's'}${device.mapped === 0 ? ', unmapped' : ''}`;
}

function memoryDeviceTooltip(device: MemoryDeviceResult): string {
  const reserved = device.memslots - device.mapped;
  return `${device.id}: requires ${device.memslots} memslot(s); ${device.mapped} mapped at start, ${reserved} reserved in KVM and every vhost backend; ${device.mappedAfterGuestPlug} mapped once the guest plugs its requested size`;
}
