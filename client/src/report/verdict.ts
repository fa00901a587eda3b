import type { MemslotReport } from '../../../server/src/protocol';

/** The one-line verdict of a report (language status item, report header) and the host profile in use. */
export interface Verdict {
  /**
   * `starts`, `refused by <id>`, `N findings` / `1 finding`, `not analysed` or `not analysed (too slow)`;
   * `(uncertain)` when values are hidden.
   */
  text: string;
  severity: 'error' | 'warning' | 'information';
  /** The host profile the simulation used, in one line. */
  host: string;
  /** The same, short enough for the language status hover to keep its link in view: `QEMU 10.0 · KVM 32764 · 1 set`. */
  hostShort?: string;
}

export function reportVerdict(report: MemslotReport | null): Verdict {
  const verdict = plainVerdict(report);
  // A verdict that rests on values unknown shell expansions hide must not read as a fact.
  const uncertain = report?.machines.some((machine) => (machine.uncertain?.length ?? 0) > 0) ?? false;
  const withShort = report ? { ...verdict, hostShort: hostShort(report) } : verdict;
  return uncertain ? { ...withShort, text: `${verdict.text} (uncertain)` } : withShort;
}

function plainVerdict(report: MemslotReport | null): Verdict {
  if (!report) return { text: 'not analysed', severity: 'information', host: '' };
  // The watchdog gave up on the file (MS910): no verdict, and the one finding is not about the VM.
  if (report.notAnalysed) return { text: 'not analysed (too slow)', severity: 'warning', host: '' };
  const findings = [...report.findings, ...report.machines.flatMap((machine) => machine.findings)];
  const host = hostSummary(report);
  const refused = report.machines.find((machine) => machine.outcome === 'refused');
  if (refused) return { text: `refused by ${refused.refusedBy ?? 'QEMU'}`, severity: 'error', host };
  if (findings.length > 0) {
    const severity = findings.some((f) => f.severity === 'error') ? 'error' : findings.some((f) => f.severity === 'warning') ? 'warning' : 'information';
    return { text: `${findings.length} finding${findings.length === 1 ? '' : 's'}`, severity, host };
  }
  if (report.machines.length > 0 && report.machines.every((machine) => machine.outcome === 'starts')) return { text: 'starts', severity: 'information', host };
  return { text: 'not analysed', severity: 'information', host };
}

/** E.g. `QEMU 10.0 upstream, KVM 32764 slots, vhost-kernel 64 (settings: 1)`. */
export function hostSummary(report: MemslotReport): string {
  const rows = report.machines.find((machine) => machine.host.length > 0)?.host ?? [];
  if (rows.length === 0) return '';
  const value = (prefix: string): string | undefined => rows.find((row) => row.name.startsWith(prefix))?.value;
  const parts: string[] = [];
  const version = value('QEMU version');
  if (version) parts.push(`QEMU ${version}${value('QEMU flavour') ? ` ${value('QEMU flavour')}` : ''}`);
  const kvm = value('KVM memslots');
  if (kvm) parts.push(`KVM ${kvm} slots`);
  const vhost = value('vhost-kernel max_mem_regions');
  if (vhost) parts.push(`vhost-kernel ${vhost}`);
  const set = new Map<string, number>();
  for (const row of rows) if (row.source !== 'default' && row.source !== 'qemu') set.set(row.source, (set.get(row.source) ?? 0) + 1);
  const sources = [...set].map(([source, count]) => `${source}: ${count}`).join(', ');
  return `${parts.join(', ')}${sources ? ` (${sources})` : ''}`;
}

export function hostShort(report: MemslotReport): string {
  const rows = report.machines.find((machine) => machine.host.length > 0)?.host ?? [];
  if (rows.length === 0) return '';
  const value = (prefix: string): string | undefined => rows.find((row) => row.name.startsWith(prefix))?.value;
  const set = rows.filter((row) => row.source !== 'default' && row.source !== 'qemu' && row.source !== 'assumed').length;
  const version = value('QEMU version')?.replace(/^(\d+\.\d+)\.0$/, '$1');
  return [version ? `QEMU ${version}` : undefined, value('KVM memslots') ? `KVM ${value('KVM memslots')}` : undefined, set ? `${set} set` : 'defaults']
    .filter((part) => part !== undefined).join(' · ');
}
