import type { DocumentAnalysis } from '../analysis';
import type { HostProfile } from '../simulator';
import { formatQemuVersion } from '../simulator';

/**
 * The lines the server writes to the editor's output channel (the *memslot* channel in VS Code):
 * who started, with which host profile, and, at `memslot.trace.server` messages or verbose, how long
 * each analysis took and what it found. Pure, so tests read the lines directly.
 */

export function startLine(version: string, clientName: string | undefined): string {
  return `memslot language server ${version} started (Node ${process.versions.node}, pid ${process.pid}${clientName ? `, client ${clientName}` : ''})`;
}

export function profileLine(profile: HostProfile): string {
  const limit = (value: number | 'no-configure-mem-slots'): string => (value === 'no-configure-mem-slots' ? 'nocfg (8)' : String(value));
  const parts = [
    `QEMU ${formatQemuVersion(profile.qemuVersion.value)} ${profile.qemuFlavor.value}`,
    `KVM ${profile.kvmMemslots.value} memslots`,
    `SMM ${profile.smm.value ? 'on' : 'off'}`,
    `vhost-kernel ${profile.vhostMaxMemRegions.value}`,
    `undeclared vhost-user ${limit(profile.unknownVhostUserAssumption.value)}`,
    ...profile.vhostUserBackends.map((rule) => `vhost-user ${rule.pattern}=${limit(rule.limit)}`),
  ];
  const set = [
    profile.qemuVersion, profile.qemuFlavor, profile.kvmMemslots, profile.smm, profile.vhostMaxMemRegions,
    profile.unknownVhostUserAssumption]
    .filter((entry) => entry.source !== 'default').length + profile.vhostUserBackends.length;
  return `host profile: ${parts.join(', ')} (${set === 0 ? 'all defaults' : `${set} from the settings`}; file directives go on top)`;
}

export function analysisLine(uri: string, version: number, milliseconds: number, analysis: DocumentAnalysis): string {
  const findings = analysis.findings.length + analysis.machines.reduce((sum, machine) => sum + machine.findings.length, 0);
  const verdicts = analysis.machines.map((machine) => {
    const simulation = machine.simulation;
    if (!simulation) return 'not simulated';
    return simulation.outcome === 'starts' ? 'starts' : `refused at ${simulation.refusedBy ?? '?'}`;
  });
  const what = analysis.kind === undefined ? 'not a QEMU command line or domain' : `${analysis.kind}, ${analysis.machines.length} machine(s)${verdicts.length ? ` (${verdicts.join('; ')})` : ''}`;
  return `analysed ${uri} v${version} in ${milliseconds.toFixed(1)} ms: ${what}, ${findings} finding(s)`;
}
