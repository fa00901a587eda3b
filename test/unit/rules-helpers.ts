import assert from 'node:assert/strict';
import type { DocumentKind } from '../../server/src/frontends';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import { parseQemuDocument } from '../../server/src/frontends/qemu/index';
import type { Finding, Fix } from '../../server/src/model/findings';
import type { FrontendResult, MachineModel } from '../../server/src/model/machine';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, type HostProfile, type Simulation } from '../../server/src/simulator/index';
import { applySuppressions, profileWithDirectives, readDirectives } from '../../server/src/directives/index';
import { DocumentText } from '../../server/src/model/documentText';
import { applySeverityOverrides, checkMachine, type RunRulesOptions } from '../../server/src/rules/index';

/**
 * The whole chain the adapters will run, for tests: front end → directives → profile (CLI flags,
 * then the file's directives) → simulate → rules → suppressions.
 */
export interface Linted {
  frontend: FrontendResult;
  profile: HostProfile;
  machines: Array<{ model: MachineModel; simulation: Simulation; findings: Finding[] }>;
  /** Every finding of the document after suppressions (front end, directives, rules, unused suppressions). */
  findings: Finding[];
}

export function parse(text: string, kind: DocumentKind): FrontendResult {
  return kind === 'libvirt-xml' ? parseLibvirtDomain(text) : parseQemuDocument(text, kind === 'shell' ? 'shell' : 'args');
}

export function lint(text: string, kind: DocumentKind, cliArgs: string[] = [], options: RunRulesOptions = {}): Linted {
  const frontend = parse(text, kind);
  const directives = readDirectives(text, kind);
  const cli = parseProfileOptions(cliArgs);
  assert.deepEqual(cli.errors, []);
  const profile = profileWithDirectives(applyProfileOptions(defaultHostProfile(), cli.overrides, 'cli'), directives);
  const document = new DocumentText(text);
  const machines = frontend.machines.map((model) => {
    const simulation = simulate(model, profile);
    const findings = checkMachine({ model, simulation, profile, text: document, kind }, options);
    return { model, simulation, findings };
  });
  const all = applySeverityOverrides([
    ...frontend.diagnostics, ...directives.findings,
    ...frontend.machines.flatMap((m) => m.diagnostics), ...machines.flatMap((m) => m.findings),
  ], options);
  const suppressed = applySuppressions(all, directives.suppressions, frontend.machines);
  return { frontend, profile, machines, findings: [...suppressed.findings, ...suppressed.unused] };
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
