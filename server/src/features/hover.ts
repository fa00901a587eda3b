import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import { formatSize } from '../model/sizes';
import type { Position } from '../model/range';
import type { MemoryDeviceResult, Simulation, SimulationEvent } from '../simulator';
import { busiestKvm, consumerName, machineAt, plugOrderExplanation, verdictText } from './common';
import { hostAssumptions, sourceLabel } from './hostAssumptions';
import { consumerOf, deviceUsingBackend, itemOfRef, labelOf, sameRef, targetAt, type Target } from './locate';
import { kvmMetadata, mappedBytesOf } from './metadata';

/**
 * The hover on a memslot-relevant item, as markdown: the memslot table, this item's share with
 * the simulator's own step-by-step explanations, the host assumptions and, for memory devices,
 * KVM's metadata cost. Everything shown comes from the simulation; nothing is re-decided here.
 */
export function hoverAt(analysis: DocumentAnalysis, position: Position): string | undefined {
  const machine = machineAt(analysis, position);
  if (!machine?.simulation) return undefined;
  const target = targetAt(machine.model, position);
  if (!target) return undefined;
  const share = itemShare(machine, machine.simulation, target);
  if (share === undefined) return undefined;
  const sections = [
    ...share,
    consumerTable(machine.simulation, machine.uncertain),
    ...refusal(machine, machine.simulation, target),
    assumptionTable(machine),
  ];
  return sections.filter((section) => section.length > 0).join('\n\n');
}

/** Heading plus decisions for the item; undefined when the item plays no part in memslots. */
function itemShare(machine: MachineAnalysis, simulation: Simulation, target: Target): string[] | undefined {
  const { model } = machine;
  switch (target.kind) {
    case 'machine': {
      const events = simulation.events.filter((event) => event.action === 'machine-init');
      return [`**${model.binary?.value ?? model.machine.type?.value ?? 'machine'}** — QEMU ${verdictText(simulation, machine.uncertain)}${simulation.error ? `: ${simulation.error.split('\n')[0]}` : ''}`, steps(events)];
    }
    case 'memory': {
      const events = simulation.events.filter((event) => event.action === 'machine-init');
      return ['**Boot memory** (`-m`)', steps(events)];
    }
    case 'backend': {
      const user = deviceUsingBackend(model, target.backend);
      if (user) {
        const device = simulation.memoryDevices.find((result) => sameRef(result.ref, 'devices', user.index));
        const heading = `**${labelOf(target.backend)}** — memory of ${labelOf(user.device)}${device ? `: ${memslotSummary(device)}` : ''}`;
        return [heading, ...(device ? [metadataText(device, simulation)] : [])];
      }
      const events = simulation.events.filter((event) => event.action === 'machine-init');
      return [`**${labelOf(target.backend)}** — ${target.backend.share.value ? 'shared' : 'private'} memory; boot RAM and its slots:`, steps(events)];
    }
    case 'device': {
      const events = simulation.events.filter((event) => sameRef(event.ref, 'devices', target.index));
      const device = simulation.memoryDevices.find((result) => sameRef(result.ref, 'devices', target.index));
      const consumer = consumerOf(model, simulation, target);
      if (!device && !consumer && events.length === 0) return undefined;
      const what = device ? memslotSummary(device)
        : consumer ? `${consumerName(consumer)}: ${consumer.used} used of ${consumer.limit ?? 'no limit'}`
          : eventResult(events);
      const out = [`**${labelOf(target.device)}** — ${what}`, steps(events)];
      if (device) out.push(metadataText(device, simulation));
      return out;
    }
    case 'netdev': {
      const events = simulation.events.filter((event) => sameRef(event.ref, 'netdevs', target.index));
      const consumer = consumerOf(model, simulation, target);
      if (!consumer && events.length === 0) return undefined;
      const what = consumer ? `${consumerName(consumer)}: ${consumer.used} used of ${consumer.limit ?? 'no limit'}` : eventResult(events);
      return [`**${labelOf(target.netdev)}** — ${what}`, steps(events)];
    }
  }
}

function memslotSummary(device: MemoryDeviceResult): string {
  if (device.status === 'refused') return 'refused by QEMU';
  const each = device.memslotSize !== null && device.memslots > 1 ? ` of ${formatSize(device.memslotSize)}` : '';
  const later = device.kind === 'virtio-mem' ? `, ${device.mappedAfterGuestPlug} once the guest plugs its requested size` : '';
  return `${device.memslots} memslot${device.memslots === 1 ? '' : 's'}${each}, ${device.mapped} mapped at start${later}`;
}

function eventResult(events: SimulationEvent[]): string {
  const refused = events.find((event) => event.result === 'refused');
  return refused ? `refused: ${refused.error ?? ''}` : 'plugged';
}

/** The simulator's decisions for these events, numbered in the order it made them. */
function steps(events: SimulationEvent[]): string {
  const lines: string[] = [];
  for (const event of events) {
    for (const decision of event.decisions) {
      const mark = decision.passed === false ? ' ✗' : decision.passed === true ? ' ✓' : '';
      lines.push(`${lines.length + 1}. ${decision.explanation}${mark}`);
    }
    for (const warning of event.warnings) lines.push(`${lines.length + 1}. warning: ${warning}`);
    if (event.result === 'refused' && event.error) lines.push(`${lines.length + 1}. **refused**: ${event.error.split('\n')[0]}`);
  }
  return lines.length ? `**How QEMU decides**\n\n${lines.join('\n')}` : '';
}

function consumerTable(simulation: Simulation, uncertain: string[] = []): string {
  const rows = simulation.consumers.map((consumer) =>
    `| ${consumerName(consumer)} | ${consumer.used} | ${consumer.limit ?? '—'}${consumer.limitKnown ? '' : ' (assumed)'} | ${consumer.headroom ?? '—'} |`);
  if (rows.length === 0) return '';
  const kvm = busiestKvm(simulation);
  const reserved = kvm && kvm.reserved > 0 ? `\n\nMemory devices reserve ${kvm.reserved} more slot(s) in every consumer; headroom = limit − used − reserved.` : '';
  return `**Memslots after start** (QEMU ${verdictText(simulation, uncertain)})\n\n| consumer | used | limit | headroom |\n| --- | ---: | ---: | ---: |\n${rows.join('\n')}${reserved}`;
}

function metadataText(device: MemoryDeviceResult, simulation: Simulation): string {
  const spaces = simulation.machine.smmAddressSpace ? 2 : 1;
  const start = kvmMetadata(mappedBytesOf(device, 'start'), spaces);
  const plugged = kvmMetadata(mappedBytesOf(device, 'after-guest-plug'), spaces);
  const row = (label: string, estimate: ReturnType<typeof kvmMetadata>) =>
    `| ${label} | ${formatSize(estimate.mappedBytes)} | ${formatSize(estimate.withTdpMmu)} | ${formatSize(estimate.withoutTdpMmu)} |`;
  const smm = spaces === 2 ? ' ×2 for the SMM address space.' : '';
  return `**KVM metadata (estimate)**${smm}\n\n| when | mapped | TDP MMU | shadow MMU |\n| --- | ---: | ---: | ---: |\n${row('at start', start)}\n${row('after guest plug', plugged)}`;
}

function refusal(machine: MachineAnalysis, simulation: Simulation, target: Target): string[] {
  if (simulation.outcome !== 'refused') return [];
  const refusedHere = target.kind === 'machine'
    || (target.kind === 'device' && sameRef(simulation.refusal?.ref, 'devices', target.index))
    || (target.kind === 'netdev' && sameRef(simulation.refusal?.ref, 'netdevs', target.index));
  if (!refusedHere) return [];
  const order = simulation.events
    .filter((event) => event.phase === 'netdevs' || event.phase === 'devices')
    .map((event) => {
      const item = itemOfRef(machine.model, event.ref);
      return `${event.step}. ${item?.label ?? event.id ?? event.action} — ${event.action}${event.result === 'ok' ? '' : ` (**${event.result}**)`}`;
    });
  const hint = simulation.refusal?.hint ? `\n\n${simulation.refusal.hint}` : '';
  return [`**QEMU refuses**: ${simulation.error ?? ''}${hint}`, `**Plug order**\n\n${plugOrderExplanation(machine.model).join('\n\n')}\n\n${order.join('\n')}`];
}

function assumptionTable(machine: MachineAnalysis): string {
  if (!machine.simulation) return '';
  const rows = hostAssumptions(machine.simulation, machine.profile).map((entry) => `| ${entry.name} | ${entry.value} | ${sourceLabel(entry.source)} |`);
  return `**Host assumptions**\n\n| | value | set by |\n| --- | --- | --- |\n${rows.join('\n')}`;
}
