import assert from 'node:assert/strict';
import { allFindings, analyzeText, type AnalysisOptions } from '../../server/src/analysis';
import type { DocumentKind } from '../../server/src/frontends';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import { parseQemuDocument } from '../../server/src/frontends/qemu/index';
import type { Finding, Fix } from '../../server/src/model/findings';
import type { FrontendResult, MachineModel } from '../../server/src/model/machine';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, type HostProfile, type Simulation } from '../../server/src/simulator/index';
import { DocumentText } from '../../server/src/model/document-text';

/** The adapters' own pipeline (`analyzeText`), with the host described by CLI flags. */
export interface Linted {
  machines: Array<{ model: MachineModel; profile: HostProfile; simulation: Simulation; findings: Finding[] }>;
  /** Every finding of the document after suppressions (front end, directives, rules, unused suppressions). */
  findings: Finding[];
}

export function parse(text: string, kind: DocumentKind): FrontendResult {
  return kind === 'libvirt-xml' ? parseLibvirtDomain(text) : parseQemuDocument(text, kind === 'shell' ? 'shell' : 'args');
}

const languageIds: Record<DocumentKind, string> = { shell: 'shellscript', 'qemu-args': 'qemu-args', 'libvirt-xml': 'xml' };

export function lint(text: string, kind: DocumentKind, cliArgs: string[] = [], options: Omit<AnalysisOptions, 'profile'> = {}): Linted {
  const cli = parseProfileOptions(cliArgs);
  assert.deepEqual(cli.errors, []);
  const profile = applyProfileOptions(defaultHostProfile(), cli.overrides, 'cli');
  const analysis = analyzeText(text, { languageId: languageIds[kind] }, { ...options, profile });
  assert.equal(analysis.kind, kind);
  const machines = analysis.machines.map(({ model, profile: used, simulation, findings }) => {
    assert.ok(simulation, 'the simulator failed on this machine');
    return { model, profile: used, simulation, findings };
  });
  const findings = allFindings(analysis);
  // Every rule test doubles as a check of the one-line messages (test/unit/message-length measures the median).
  for (const found of findings) assert.ok(found.message.length <= 200, `${found.code} message over 200 characters: ${found.message}`);
  return { machines, findings };
}

export function withCode(linted: Linted, code: string): Finding[] {
  return linted.findings.filter((f) => f.code === code);
}

export function applyFix(text: string, fix: Fix): string {
  return new DocumentText(text).applyEdits(fix.edits);
}

export function fixTitled(found: Finding, pattern: RegExp): Fix {
  const fix = (found.fixes ?? []).find((f) => pattern.test(f.title));
  assert.ok(fix, `no fix matching ${pattern} among: ${(found.fixes ?? []).map((f) => f.title).join(' | ')}`);
  return fix;
}

/** Front-end errors of a (fixed) document: there must be none for a fix to count. */
export function frontendErrors(text: string, kind: DocumentKind): Finding[] {
  const result = parse(text, kind);
  return [...result.diagnostics, ...result.machines.flatMap((m) => m.diagnostics)].filter((f) => f.severity === 'error');
}
