import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import type { MachineModel } from '../model/machine';
import { rangeContains, type Position } from '../model/range';
import type { ConsumerResult, Simulation } from '../simulator';

/** The machine whose text contains `position` (a script may hold several invocations). */
export function machineAt(analysis: DocumentAnalysis, position: Position): MachineAnalysis | undefined {
  return analysis.machines.find((machine) => rangeContains(machine.model.range, position));
}

export function consumerName(consumer: ConsumerResult): string {
  if (consumer.kind === 'kvm') return consumer.addressSpace === 1 || consumer.id === 'kvm-smram' ? 'KVM (SMM address space)' : 'KVM';
  return `${consumer.kind} ${consumer.id}`;
}

/**
 * KVM's free count is taken over the fullest address space (kvm_get_free_memslots), so one KVM
 * figure for the summary is the address space with the most slots in use.
 */
export function busiestKvm(simulation: Simulation): ConsumerResult | undefined {
  let best: ConsumerResult | undefined;
  for (const consumer of simulation.consumers) {
    if (consumer.kind === 'kvm' && (best === undefined || consumer.used > best.used)) best = consumer;
  }
  return best;
}

/** `uncertain`: values unresolved shell expansions hide (MachineAnalysis.uncertain); the verdict is then a guess. */
export function verdictText(simulation: Simulation, uncertain: string[] = []): string {
  const doubt = uncertain.length ? ` (uncertain: ${uncertain.join(', ')})` : '';
  if (simulation.outcome === 'starts') return `starts${doubt}`;
  return `${simulation.refusedBy ? `refused at ${simulation.refusedBy}` : 'refused'}${doubt}`;
}

/** Why QEMU realises things in the order it does, for the item that was refused. */
export function plugOrderExplanation(model: MachineModel): string[] {
  const lines = [
    'QEMU initialises every vhost netdev first (JSON netdevs, then `-netdev`, `-nic`, `-net`), before any `-device`, whatever their place on the command line.',
    'Then it realises the `-device`s in command-line order, all QemuOpts-form ones before the JSON-form ones; a memory device decides its memslots when it is plugged, and a vhost device checks its backend limit when it is realised.',
  ];
  if (model.frontend === 'libvirt') {
    lines.push('libvirt writes the command line in its own emission order: memory devices (`<memory>`) come before vhost-user devices (`<filesystem>`, `<interface type=\'vhostuser\'>`), so reordering the XML does not change the plug order; `dynamicMemslots=\'no\'` on the memory device does.');
  }
  return lines;
}
