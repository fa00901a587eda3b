import type { DocumentAnalysis, MachineAnalysis } from '../analysis';
import type { Finding } from '../model/findings';
import type { MachineModel } from '../model/machine';
import { resolveRef } from '../model/references';
import type { Simulation } from '../simulator';
import { formatSize } from '../model/sizes';
import { slotFigures } from '../features/slot-count';
import type { HotplugMachine } from '../plan-analysis';
import { describeCapacity } from '../features/capacity-text';

/** Compiler-style output: `path:line:col: severity: message [code]` (1-based), then a summary per machine. */
export function formatText(reports: Array<{ path: string; analysis: DocumentAnalysis }>): string {
  const lines: string[] = [];
  for (const { path, analysis } of reports) {
    for (const finding of analysis.findings) lines.push(formatFinding(path, finding));
    analysis.machines.forEach((machine, index) => {
      for (const finding of machine.findings) lines.push(formatFinding(path, finding));
      lines.push(...summarizeMachine(path, machine, index));
    });
    if (analysis.kind !== undefined && analysis.machines.length === 0 && analysis.findings.length === 0) {
      lines.push(`${path}: no QEMU invocation or libvirt domain found`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function formatFinding(path: string, finding: Finding): string {
  const { line, character } = finding.range.start;
  const text = `${path}:${line + 1}:${character + 1}: ${finding.severity}: ${finding.message} [${finding.code}]`;
  const related = (finding.related ?? []).map(
    (info) => `${path}:${info.range.start.line + 1}:${info.range.start.character + 1}: note: ${info.message}`,
  );
  return [text, ...related].join('\n');
}

function summarizeMachine(path: string, analysis: MachineAnalysis, index: number): string[] {
  const model = analysis.model;
  const where = `${path}:${model.headRange.start.line + 1}`;
  const lines = [`${where}: machine ${index + 1}: ${describeMachine(model)}`];
  const indent = '    ';
  if (model.backends.length) {
    lines.push(`${indent}backends: ${model.backends.map((backend) => {
      const parts = [backend.id?.value ?? '(no id)', backend.type.value.replace('memory-backend-', '')];
      if (backend.size) parts.push(formatSize(backend.size.value));
      parts.push(backend.share.value ? 'shared' : 'private');
      return parts.join(' ');
    }).join('; ')}`);
  }
  const memoryDevices = model.devices.filter((device) => device.kind === 'memory-device');
  if (memoryDevices.length) {
    lines.push(`${indent}memory devices: ${memoryDevices.map((device) => {
      const parts = [device.id?.value ?? '(no id)', device.driver.value];
      if (device.memdev) parts.push(`memdev=${device.memdev.value}`);
      const backend = resolveRef(model.backends, device.memdev);
      if (backend?.size) parts.push(formatSize(backend.size.value));
      if (device.dynamicMemslots) parts.push(`dynamic-memslots=${device.dynamicMemslots.value ? 'on' : 'off'}`);
      return parts.join(' ');
    }).join('; ')}`);
  }
  const consumers = vhostConsumers(model);
  if (consumers.length) lines.push(`${indent}vhost: ${consumers.join('; ')}`);
  for (const line of describeSimulation(analysis.simulation, analysis.uncertain ?? [], model)) lines.push(`${indent}${line}`);
  const hotplug = analysis as HotplugMachine;
  for (const step of hotplug.hotplug ?? []) {
    if (step.result !== 'ok') lines.push(`${indent}hot-plug: ${step.command}${step.id ? ` ${step.id}` : ''} (${step.path}:${step.range.start.line + 1}): ${step.result === 'hang' ? 'never answers' : step.error}`);
  }
  if (hotplug.capacity) for (const line of describeCapacity(hotplug.capacity)) lines.push(`${indent}${line}`);
  return lines;
}

function describeMachine(model: MachineModel): string {
  const parts = [model.machine.type?.value ?? 'default machine type'];
  const memory = model.memory;
  if (memory.size) {
    const extras = [
      memory.slots ? `slots=${memory.slots.value}` : undefined,
      memory.maxmem ? `maxmem=${formatSize(memory.maxmem.value)}` : undefined,
    ].filter(Boolean);
    parts.push(`memory ${formatSize(memory.size.value)}${extras.length ? ` (${extras.join(', ')})` : ''}`);
  }
  if (model.numaNodes.length) parts.push(`${model.numaNodes.length} NUMA node${model.numaNodes.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function vhostConsumers(model: MachineModel): string[] {
  const socketOf = (chardevId: string | undefined): string | undefined => resolveRef(model.chardevs, chardevId)?.path?.value;
  const out: string[] = [];
  for (const netdev of model.netdevs) {
    if (!netdev.vhost) continue;
    const socket = socketOf(netdev.chardev?.value);
    out.push(`${netdev.id?.value ?? '(no id)'} netdev ${netdev.type.value} (${netdev.vhost}${socket ? ` ${socket}` : ''})`);
  }
  for (const device of model.devices) {
    if (device.kind !== 'vhost-device') continue;
    const socket = socketOf(device.chardev?.value);
    out.push(`${device.id?.value ?? '(no id)'} ${device.driver.value} (${device.backend}${socket ? ` ${socket}` : ''})`);
  }
  return out;
}

/** One line: the vCPU's vendor and width, then QEMU's layout up to the highest address in use. */
function describeAddressSpace(space: NonNullable<Simulation['machine']['addressSpace']>): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const assumed = (yes: boolean): string => (yes ? ' assumed' : '');
  const parts = [`CPU ${space.cpuModel} (${space.vendor}${assumed(space.vendorAssumed)}, ${space.physBits} phys-bits${assumed(space.physBitsAssumed)})`];
  if (space.aboveFourG > 0 || space.amdRelocation === 'relocated') {
    parts.push(`RAM above 4 GiB at ${hex(space.aboveFourGStart)}${space.amdRelocation === 'relocated' ? ' (AMD HyperTransport hole)' : ''}`);
  }
  if (space.deviceMemoryBase !== null && space.deviceMemorySize !== null) parts.push(`device memory ${hex(space.deviceMemoryBase)} +${hex(space.deviceMemorySize)}`);
  if (space.pciHole64Start !== null && space.pciHole64Size !== null) parts.push(`64-bit PCI hole ${hex(space.pciHole64Start)} +${hex(space.pciHole64Size)}`);
  parts.push(`highest ${hex(space.maxUsedAddress)}`);
  return parts.join('; ');
}

function describeSimulation(simulation: Simulation | undefined, uncertain: string[], model?: MachineModel): string[] {
  if (!simulation) return [];
  const lines: string[] = [];
  // Shell expansions memslot cannot resolve (MS906) make the verdict a guess; say so on it.
  const doubt = uncertain.length ? ` (uncertain: ${uncertain.join(', ')})` : '';
  if (simulation.outcome === 'refused') {
    const by = simulation.refusedBy ? ` at ${simulation.refusedBy}` : '';
    lines.push(`verdict: QEMU refuses to start${by}${doubt}: ${(simulation.error ?? '').split('\n')[0]}`);
    if (simulation.refusal?.hint) lines.push(`    ${simulation.refusal.hint}`);
  } else {
    lines.push(`verdict: QEMU starts${doubt}`);
  }
  const space = simulation.machine.addressSpace;
  if (space) lines.push(`address space: ${describeAddressSpace(space)}`);
  for (const device of simulation.memoryDevices) {
    const where = device.addr === null ? '' : ` (at 0x${device.addr.toString(16)}${device.slot === null ? '' : `, slot ${device.slot}`})`;
    lines.push(`memslots: ${device.id} ${device.driver}${where} requires ${device.memslots}, ${device.mapped} mapped at start`);
  }
  // The same figures as the editor's hints, hover and report, with the moment they mean.
  const figures = slotFigures(simulation, model);
  const consumers = [...figures.consumers, ...(figures.refused ? [figures.refused] : [])];
  if (consumers.length) lines.push(`slots ${figures.momentText}:`);
  for (const figure of consumers) {
    const limit = figure.limit === null ? 'no limit' : `limit ${figure.limit}${figure.limitKnown ? '' : ' (assumed)'}`;
    const later = figure.afterGuestPlug === null ? '' : `; ${figure.afterGuestPlug} once the guest plugs`;
    const refused = figure === figures.refused ? ' (refused)' : '';
    lines.push(`    ${figure.short}${refused}: ${figure.used} used + ${figure.reserved} reserved, ${limit}${later}`);
  }
  return lines;
}
