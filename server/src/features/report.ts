import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import type { Finding } from '../model/findings';
import type { MachineReport, MemslotReport, ReportFinding } from '../protocol';
import { consumerName, plugOrderExplanation } from './common';
import { hostAssumptions } from './host-assumptions';
import { itemOfRef } from './locate';
import { kvmMetadata, mappedBytesOf } from './metadata';
import { usageAfterStep } from '../simulator/usage';
import type { Simulation, SimulationEvent } from '../simulator';
import { slotFigures } from './slot-count';

/** The `memslot/report` payload: the simulation's timeline and tables as plain data for the report view. */
export function buildReport(
  analysis: DocumentAnalysis,
  uri: string,
  version: number,
  docUrl: (code: string) => string,
): MemslotReport {
  return {
    uri,
    kind: analysis.kind ?? 'unknown',
    version,
    machines: analysis.machines.map((machine) => machineReport(machine, docUrl)),
    findings: analysis.findings.map((finding) => reportFinding(finding, docUrl)),
  };
}

function machineReport(machine: MachineAnalysis, docUrl: (code: string) => string): MachineReport {
  const { model, simulation } = machine;
  const title = `${model.binary?.value ?? (model.frontend === 'libvirt' ? 'domain' : 'qemu')}${model.machine.type ? ` -machine ${model.machine.type.value}` : ''}`;
  const base = {
    range: model.range, headRange: model.headRange, title, uncertain: machine.uncertain ?? [],
    findings: machine.findings.map((finding) => reportFinding(finding, docUrl)),
  };
  if (!simulation) {
    return { ...base, outcome: 'unknown', refusedBy: null, error: null, hint: null, refusedStep: null, plugOrder: [], steps: [], consumers: [], devices: [], host: [] };
  }
  const spaces = simulation.machine.smmAddressSpace ? 2 : 1;
  const figures = slotFigures(simulation, model);
  const reserved = reservedAfterSteps(simulation);
  const refusedEvent = simulation.events.find((event) => event.result === 'refused');
  return {
    ...base,
    outcome: simulation.outcome,
    refusedBy: simulation.refusedBy,
    error: simulation.error,
    hint: simulation.refusal?.hint ?? null,
    refusedStep: refusedEvent?.step ?? null,
    refusedReason: refusedEvent ? refusedEvent.decisions.find((decision) => decision.passed === false)?.explanation ?? refusedEvent.error?.split('\n')[0] ?? null : null,
    slotMoment: figures.momentText,
    plugOrder: plugOrderExplanation(model),
    steps: simulation.events.map((event) => {
      const item = itemOfRef(model, event.ref);
      const usage = usageAfterStep(simulation, event.step);
      const limit = event.decisions.find((decision) => decision.what === 'vhost-limit')?.result;
      return {
        step: event.step,
        phase: event.phase,
        action: event.action,
        label: item?.label ?? event.id ?? event.action,
        range: item?.range ?? null,
        result: event.result,
        error: event.error,
        explanations: event.decisions.map((decision) => decision.explanation),
        ...(usage ? { usage } : {}),
        ...(typeof limit === 'number' || limit === null ? { limit } : {}),
        short: shortLabel(event),
        reserved: reserved.get(event.step) ?? 0,
        autoDecision: autoDecisionAt(simulation, event),
      };
    }),
    // The same figures as the hints and the hover: KVM's fullest address space, each vhost back-end, the refused one.
    consumers: [...figures.consumers, ...(figures.refused ? [figures.refused] : [])].map((figure) => {
      const consumer = simulation.consumers.find((candidate) => candidate.kind === figure.kind && (candidate.id === figure.id || figure.kind === 'kvm'));
      const kvm = figure.kind === 'kvm' ? simulation.consumers.filter((candidate) => candidate.kind === 'kvm').sort((a, b) => b.used - a.used)[0] : undefined;
      const source = kvm ?? consumer;
      return {
        id: source?.id ?? figure.id,
        kind: figure.kind,
        name: source ? consumerName(source) : `${figure.kind} ${figure.id} (refused)`,
        used: figure.used,
        limit: figure.limit,
        limitKnown: figure.limitKnown,
        limitOrigin: figure.limitOrigin,
        reserved: figure.reserved,
        headroom: source?.headroom ?? (figure.limit === null ? null : Math.max(0, figure.limit - figure.used - figure.reserved)),
        usedAfterGuestPlug: figure.afterGuestPlug ?? figure.used,
      };
    }),
    devices: simulation.memoryDevices.map((device) => {
      const metadata = kvmMetadata(mappedBytesOf(device, 'after-guest-plug'), spaces);
      return {
        id: device.id,
        driver: device.driver,
        range: itemOfRef(model, device.ref)?.range ?? null,
        sizeBytes: device.size,
        memslots: device.memslots,
        memslotSizeBytes: device.memslotSize,
        mapped: device.mapped,
        mappedAfterGuestPlug: device.mappedAfterGuestPlug,
        dynamicMemslots: device.dynamicMemslots,
        autoDecided: device.autoDecided,
        status: device.status,
        metadataBytes: { withTdpMmu: metadata.withTdpMmu, withoutTdpMmu: metadata.withoutTdpMmu },
      };
    }),
    host: hostAssumptions(simulation, machine.profile),
  };
}

function reportFinding(finding: Finding, docUrl: (code: string) => string): ReportFinding {
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    range: finding.range,
    related: (finding.related ?? []).map((info) => ({ message: info.message, range: info.range })),
    docUrl: docUrl(finding.code),
  };
}

function shortLabel(event: SimulationEvent): string {
  switch (event.action) {
    case 'machine-init': return 'machine';
    case 'reset': return 'reset';
    case 'guest-plug': return 'guest plug';
    default: return event.id ?? event.action;
  }
}

/** Reserved memory-device slots after each step: required − mapped over the devices plugged so far. */
function reservedAfterSteps(simulation: Simulation): Map<number, number> {
  const out = new Map<number, number>();
  const reserved = new Map<string, number>();
  let guestPlugged = false;
  for (const event of simulation.events) {
    if (event.action === 'guest-plug') guestPlugged = true;
    const device = event.ref ? simulation.memoryDevices.find(
      (candidate) => candidate.ref.collection === event.ref?.collection && candidate.ref.index === event.ref.index) : undefined;
    if (device && event.action === 'memory-device-plug' && event.result !== 'refused') reserved.set(device.id, device.memslots - device.mapped);
    if (device && event.action === 'memory-device-unplug') reserved.delete(device.id);
    if (guestPlugged) {
      for (const candidate of simulation.memoryDevices) {
        if (reserved.has(candidate.id)) reserved.set(candidate.id, candidate.memslots - candidate.mappedAfterGuestPlug);
      }
    }
    out.set(event.step, [...reserved.values()].reduce((sum, value) => sum + Math.max(0, value), 0));
  }
  return out;
}

function autoDecisionAt(simulation: Simulation, event: SimulationEvent): { id: string; memslots: number } | null {
  if (event.action !== 'memory-device-plug' || event.result === 'refused' || !event.ref) return null;
  const device = simulation.memoryDevices.find(
    (candidate) => candidate.ref.collection === event.ref?.collection && candidate.ref.index === event.ref.index);
  return device?.autoDecided ? { id: device.id, memslots: device.memslots } : null;
}
