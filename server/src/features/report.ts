import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import type { Finding } from '../model/findings';
import type { MachineReport, MemslotReport, ReportFinding } from '../protocol';
import { consumerName, plugOrderExplanation } from './common';
import { hostAssumptions } from './hostAssumptions';
import { itemOfRef } from './locate';
import { kvmMetadata, mappedBytesOf } from './metadata';
import { usageAfterStep } from '../simulator/usage';

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
  const base = { range: model.range, headRange: model.headRange, title, uncertain: machine.uncertain ?? [], findings: machine.findings.map((finding) => reportFinding(finding, docUrl)) };
  if (!simulation) {
    return { ...base, outcome: 'unknown', refusedBy: null, error: null, hint: null, refusedStep: null, plugOrder: [], steps: [], consumers: [], devices: [], host: [] };
  }
  const spaces = simulation.machine.smmAddressSpace ? 2 : 1;
  return {
    ...base,
    outcome: simulation.outcome,
    refusedBy: simulation.refusedBy,
    error: simulation.error,
    hint: simulation.refusal?.hint ?? null,
    refusedStep: simulation.events.find((event) => event.result === 'refused')?.step ?? null,
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
      };
    }),
    consumers: simulation.consumers.map((consumer) => ({
      id: consumer.id,
      kind: consumer.kind,
      name: consumerName(consumer),
      used: consumer.used,
      limit: consumer.limit,
      limitKnown: consumer.limitKnown,
      limitOrigin: consumer.limitSource.origin,
      reserved: consumer.reserved,
      headroom: consumer.headroom,
      usedAfterGuestPlug: consumer.usedAfterGuestPlug,
    })),
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
