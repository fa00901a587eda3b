import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import type { Finding } from '../model/findings';
import { formatSize } from '../model/sizes';
import { comparePositions, type Position, type Range } from '../model/range';
import type { MemoryDeviceResult, Simulation, SimulationEvent } from '../simulator';
import { consumerName, machineAt, plugOrderExplanation } from './common';
import { hostAssumptions, sourceLabel } from './host-assumptions';
import { consumerOf, deviceUsingBackend, itemOfRef, labelOf, sameRef, targetAt, type Target } from './locate';
import { kvmMetadata, mappedBytesOf } from './metadata';
import { slotFigures, type ConsumerFigure, type SlotFigures } from './slot-count';

/**
 * The hover on a memslot-relevant item, as markdown, answer first: the verdict for this item and
 * its cause in two lines, then one compact table of slot figures (the same as the inlay hints' and
 * the report's, with the moment they mean), then, below a rule, how QEMU decided: the simulator's
 * own steps, QEMU's verbatim error (once), the plug order and the host assumptions.
 */
export function hoverAt(analysis: DocumentAnalysis, position: Position): string | undefined {
  const machine = machineAt(analysis, position);
  if (!machine?.simulation) return undefined;
  const target = targetAt(machine.model, position);
  if (!target) return undefined;
  const simulation = machine.simulation;
  const figures = slotFigures(simulation, machine.model);
  const answer = itemAnswer(machine, simulation, target);
  if (answer === undefined) return undefined;
  const causeFinding = causeAt(machine, target.range);
  const cause = causeFinding ? `${causeFinding.message} (${causeFinding.code})` : undefined;
  const refusedHere = isRefusedHere(simulation, target);
  const details = [
    answer.steps,
    ...(causeFinding ? findingDetails(causeFinding, refusedHere ? simulation.error : null) : []),
    ...(refusedHere ? refusalDetails(machine, simulation) : []),
    ...(answer.extra ?? []),
    assumptionTable(machine),
  ].filter((section) => section.length > 0);
  const sections = [
    cause ? `${answer.headline}\n\n${cause}` : answer.headline,
    slotTable(figures, answer.highlight),
    ...(details.length ? ['---', `**How QEMU decided**\n\n${details.join('\n\n')}`] : []),
  ];
  return sections.filter((section) => section.length > 0).join('\n\n');
}

interface Answer {
  /** The verdict for this item, bold, in one line. */
  headline: string;
  /** The simulator's decisions for this item. */
  steps: string;
  extra?: string[];
  /** The consumer row this item owns, marked in the table. */
  highlight?: string;
}

function itemAnswer(machine: MachineAnalysis, simulation: Simulation, target: Target): Answer | undefined {
  const { model } = machine;
  const machineEvents = simulation.events.filter((event) => event.action === 'machine-init');
  switch (target.kind) {
    case 'machine':
      return { headline: machineVerdict(machine, simulation), steps: steps(machineEvents) };
    case 'memory':
      return { headline: `**Boot memory** (\`-m\`): ${bootLine(slotFigures(simulation, model))}`, steps: steps(machineEvents) };
    case 'backend': {
      const user = deviceUsingBackend(model, target.backend);
      if (user) {
        const device = simulation.memoryDevices.find((result) => sameRef(result.ref, 'devices', user.index));
        return {
          headline: `**${labelOf(target.backend)}** — memory of ${labelOf(user.device)}${device ? `: ${memslotSummary(device)}` : ''}`,
          steps: '',
          extra: device ? [metadataText(device, simulation)] : [],
        };
      }
      return { headline: `**${labelOf(target.backend)}** — ${target.backend.share.value ? 'shared' : 'private'} boot memory: ${bootLine(slotFigures(simulation, model))}`, steps: steps(machineEvents) };
    }
    case 'device': {
      const events = simulation.events.filter((event) => sameRef(event.ref, 'devices', target.index));
      const device = simulation.memoryDevices.find((result) => sameRef(result.ref, 'devices', target.index));
      const consumer = consumerOf(model, simulation, target);
      if (!device && !consumer && events.length === 0) return undefined;
      const refused = events.some((event) => event.result === 'refused');
      const what = refused ? `✗ QEMU refuses ${target.device.id?.value ?? target.device.driver.value}`
        : device ? memslotSummary(device)
          : consumer ? `${consumerName(consumer)}: ${consumer.used} used of ${consumer.limit ?? 'no limit'}`
            : eventResult(events);
      return {
        headline: refused ? `**${what}** (${target.device.driver.value})` : `**${labelOf(target.device)}** — ${what}`,
        steps: steps(events),
        extra: device ? [metadataText(device, simulation)] : [],
        highlight: consumer?.id ?? (refused ? target.device.id?.value : undefined),
      };
    }
    case 'netdev': {
      const events = simulation.events.filter((event) => sameRef(event.ref, 'netdevs', target.index));
      const consumer = consumerOf(model, simulation, target);
      if (!consumer && events.length === 0) return undefined;
      const refused = events.some((event) => event.result === 'refused');
      const what = refused ? `✗ QEMU refuses ${target.netdev.id?.value ?? 'this netdev'}`
        : consumer ? `${consumerName(consumer)}: ${consumer.used} used of ${consumer.limit ?? 'no limit'}` : eventResult(events);
      return { headline: refused ? `**${what}**` : `**${labelOf(target.netdev)}** — ${what}`, steps: steps(events), highlight: consumer?.id ?? target.netdev.id?.value };
    }
  }
}

function machineVerdict(machine: MachineAnalysis, simulation: Simulation): string {
  const name = machine.model.binary?.value ?? machine.model.machine.type?.value ?? 'machine';
  const doubt = machine.uncertain?.length ? ` (uncertain: ${machine.uncertain.join(', ')})` : '';
  if (simulation.outcome === 'starts') return `**✓ QEMU starts** — ${name}${doubt}`;
  return `**✗ QEMU refuses ${simulation.refusedBy ?? 'to start'}** — ${name}${doubt}`;
}

function bootLine(figures: SlotFigures): string {
  return figures.bootSlots === undefined ? 'no KVM slots counted' : `${figures.bootSlots} KVM slot${figures.bootSlots === 1 ? '' : 's'} ${figures.momentText}`;
}

/** The cause: the most severe finding on this item (the rules word its message as one sentence). */
function causeAt(machine: MachineAnalysis, range: Range): Finding | undefined {
  const order: Record<Finding['severity'], number> = { error: 0, warning: 1, information: 2, hint: 3 };
  const overlapping = machine.findings
    .filter((finding) => comparePositions(finding.range.start, range.end) <= 0 && comparePositions(range.start, finding.range.end) <= 0)
    .sort((a, b) => order[a.severity] - order[b.severity]);
  return overlapping[0];
}

/**
 * What the one-line message leaves out, from the finding's data: the reasoning, then QEMU's words (unless shown below with the refusal).
 */
const detailKeys = ['explanation', 'when', 'consequence', 'advice', 'assumed', 'declare'] as const;

function findingDetails(finding: Finding, shownError: string | null): string[] {
  const data = finding.data ?? {};
  const lines = detailKeys.map((key) => data[key]).filter((value): value is string => typeof value === 'string' && value.length > 0);
  const out = lines.length ? [lines.map((line) => `- ${line}`).join('\n')] : [];
  const qemu = data.qemu;
  if (typeof qemu === 'string' && qemu.length > 0 && !(shownError && qemu.startsWith(shownError))) {
    out.push(`QEMU says:\n\n${qemu.split('\n').map((line) => `> ${line}`).join('\n>\n')}`);
  }
  return out;
}

function isRefusedHere(simulation: Simulation, target: Target): boolean {
  if (simulation.outcome !== 'refused') return false;
  return target.kind === 'machine'
    || (target.kind === 'device' && sameRef(simulation.refusal?.ref, 'devices', target.index))
    || (target.kind === 'netdev' && sameRef(simulation.refusal?.ref, 'netdevs', target.index));
}

function memslotSummary(device: MemoryDeviceResult): string {
  if (device.status === 'refused') return 'refused by QEMU';
  const each = device.memslotSize !== null && device.memslots > 1 ? ` of ${formatSize(device.memslotSize)}` : '';
  const later = device.kind === 'virtio-mem' ? `, ${device.mappedAfterGuestPlug} once the guest plugs its requested size` : '';
  return `${device.memslots} memslot${device.memslots === 1 ? '' : 's'}${each}, ${device.mapped} mapped at start${later}`;
}

function eventResult(events: SimulationEvent[]): string {
  return events.some((event) => event.result === 'refused') ? 'refused' : 'plugged';
}

/** The simulator's decisions for these events, numbered in the order it made them (errors are shown once, below). */
function steps(events: SimulationEvent[]): string {
  const lines: string[] = [];
  for (const event of events) {
    for (const decision of event.decisions) {
      const mark = decision.passed === false ? ' ✗' : decision.passed === true ? ' ✓' : '';
      lines.push(`${lines.length + 1}. ${decision.explanation}${mark}`);
    }
    for (const warning of event.warnings) lines.push(`${lines.length + 1}. warning: ${warning}`);
  }
  return lines.join('\n');
}

/** The one table of slot figures: used + reserved against the limit, at the moment figures says. */
function slotTable(figures: SlotFigures, highlight: string | undefined): string {
  const rows: ConsumerFigure[] = [...figures.consumers, ...(figures.refused ? [figures.refused] : [])];
  if (rows.length === 0) return '';
  const line = (figure: ConsumerFigure): string => {
    const name = figure === figures.refused ? `${figure.short} ✗` : figure.short;
    const marked = highlight !== undefined && figure.id === highlight ? `**${name}**` : name;
    const limit = figure.limit === null ? '—' : `${figure.limit}${figure.limitKnown ? '' : ' (assumed)'}`;
    const later = figure.afterGuestPlug === null ? '' : ` | ${figure.afterGuestPlug}`;
    return `| ${marked} | ${figure.used} | ${figure.reserved} | ${limit}${later} |`;
  };
  const later = figures.moment === 'after-reset';
  const own = rows.find((figure) => figure.kind !== 'kvm' && figure.id === highlight);
  const source = own ? `\n\n${own.id}'s limit ${own.limit ?? 'none'}${own.limitKnown ? '' : ' is assumed'}: ${own.limitOrigin}` : '';
  return `Slots ${figures.momentText}:\n\n| | used | reserved | limit${later ? ' | after guest plugs' : ''} |\n| --- | ---: | ---: | ---:${later ? ' | ---:' : ''} |\n${rows.map(line).join('\n')}${source}`;
}

function metadataText(device: MemoryDeviceResult, simulation: Simulation): string {
  const spaces = simulation.machine.smmAddressSpace ? 2 : 1;
  const start = kvmMetadata(mappedBytesOf(device, 'start'), spaces);
  const plugged = kvmMetadata(mappedBytesOf(device, 'after-guest-plug'), spaces);
  const row = (label: string, estimate: ReturnType<typeof kvmMetadata>) =>
    `| ${label} | ${formatSize(estimate.mappedBytes)} | ${formatSize(estimate.withTdpMmu)} | ${formatSize(estimate.withoutTdpMmu)} |`;
  const smm = spaces === 2 ? ' ×2 for the SMM address space.' : '';
  return `KVM metadata (estimate)${smm}\n\n| when | mapped | TDP MMU | shadow MMU |\n| --- | ---: | ---: | ---: |\n${row('at start', start)}\n${row('after guest plug', plugged)}`;
}

/** QEMU's verbatim error (the only place the hover shows it) and the plug order that led there. */
function refusalDetails(machine: MachineAnalysis, simulation: Simulation): string[] {
  const order = simulation.events
    .filter((event) => event.phase === 'netdevs' || event.phase === 'devices')
    .map((event) => {
      const item = itemOfRef(machine.model, event.ref);
      return `${event.step}. ${item?.label ?? event.id ?? event.action} — ${event.action}${event.result === 'ok' ? '' : ` (**${event.result}**)`}`;
    });
  const quoted = (simulation.error ?? '').split('\n').map((line) => `> ${line}`).join('\n');
  const hint = simulation.refusal?.hint ? `\n>\n> ${simulation.refusal.hint}` : '';
  return [`QEMU says:\n\n${quoted}${hint}`, `Plug order: ${plugOrderExplanation(machine.model).join(' ')}\n\n${order.join('\n')}`];
}

function assumptionTable(machine: MachineAnalysis): string {
  if (!machine.simulation) return '';
  const rows = hostAssumptions(machine.simulation, machine.profile).map((entry) => `| ${entry.name} | ${entry.value} | ${sourceLabel(entry.source)} |`);
  return `Host assumptions:\n\n| | value | set by |\n| --- | --- | --- |\n${rows.join('\n')}`;
}
