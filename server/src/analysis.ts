import { applySuppressions, directiveSuppression, insertDirectiveLine, profileWithDirectives, readDirectives, type DirectiveRead } from './directives';
import { analyzeDocument, detectDocumentKind, type DocumentKind } from './frontends';
import type { ConfigFileReader } from './frontends/qemu';
import { findingSubjects, type Finding, type Severity } from './model/findings';
import type { FrontendResult, MachineModel } from './model/machine';
import { makeRange, rangeContains, type Range } from './model/range';
import { frontendCodes, internalErrorCode } from './model/codes';
import { DocumentText } from './model/document-text';
import { applySeverityOverrides, runRules, type RunRulesOptions } from './rules';
import { defaultHostProfile, simulate, type HostProfile, type Simulation } from './simulator';
import { profileWithStartedBackends } from './simulator/backend-daemon-limits';

/**
 * The one join point of the core: text → front end → directives → host profile → simulator →
 * rules → suppressions → findings, as plain data.
 * Both adapters (LSP server and CLI) call `analyzeText` and only convert its result, so the editor
 * and the command line can never disagree.
 */

/** Reported when the core itself fails on some input; a bug in memslot, never in the user's file. */
export { internalErrorCode };

export interface DocumentHint {
  languageId?: string;
  path?: string;
}

export interface MachineAnalysis {
  model: MachineModel;
  /** The host profile this machine was simulated with (defaults < settings or CLI < file directive). */
  profile: HostProfile;
  /** The simulator's verdict for this machine; absent only when the simulator failed on it. */
  simulation?: Simulation;
  /** Front-end diagnostics of this machine, then rule findings. */
  findings: Finding[];
  /**
   * Values the verdict rests on that unresolved shell expansions hide (MS906), e.g.
   * "$MAX hides maxmem"; empty when the verdict is certain. Absent on older results.
   */
  uncertain?: string[];
}

export interface DocumentAnalysis {
  /** Which front end read the document; undefined when it is not ours (e.g. XML that is not a <domain>). */
  kind?: DocumentKind;
  machines: MachineAnalysis[];
  /** Problems outside any machine (a document that is not well-formed XML, a crash of the front end). */
  findings: Finding[];
}

export interface AnalysisOptions {
  /** The host as settings or CLI flags describe it; file directives override it. Default: the simulator's upstream x86 host. */
  profile?: HostProfile;
  /** Per code, the severity settings give it, or 'off'. */
  severityOverrides?: Record<string, Severity | 'off'>;
  /** Rule codes turned off. */
  disabled?: string[];
  /** Reads `-readconfig` files for the front end (the adapters decide which files it may read). */
  readConfig?: ConfigFileReader;
}

function isHostProfile(value: HostProfile | AnalysisOptions): value is HostProfile {
  return 'qemuVersion' in value && 'kvmMemslots' in value;
}

/** `options` may be a bare host profile (the older signature). */
export function analyzeText(text: string, hint: DocumentHint, options: HostProfile | AnalysisOptions = {}): DocumentAnalysis {
  const resolved: AnalysisOptions = isHostProfile(options) ? { profile: options } : options;
  const profile = resolved.profile ?? defaultHostProfile();
  let kind: DocumentKind | undefined;
  try {
    kind = detectDocumentKind(text, hint);
  } catch (error) {
    return { machines: [], findings: [internalError('detecting the document kind', error, documentStart())] };
  }
  if (kind === undefined) return { machines: [], findings: [] };

  // One line index for the front end, the directives and the rules' edits.
  const document = new DocumentText(text);
  let frontend: FrontendResult;
  try {
    frontend = analyzeDocument(document, kind, hint, resolved.readConfig);
  } catch (error) {
    return { kind, machines: [], findings: [internalError('reading the document', error, documentStart())] };
  }
  const documentFindings: Finding[] = [...(frontend.diagnostics ?? [])];
  // The file's own `memslot:` directives set its host profile over settings or CLI flags.
  const directives: DirectiveRead = runGuarded('reading memslot directives', documentStart(), documentFindings, () => readDirectives(document, kind as DocumentKind))
    ?? { profileArgs: [], suppressions: [], findings: [] };
  documentFindings.push(...directives.findings);
  // Back-ends the script starts itself come between settings/CLI and the file's directives; the
  // ones that come with QEMU take the file's QEMU version.
  const started = frontend.startedBackends ?? [];
  const fileProfile = started.length
    ? profileWithDirectives(
      profileWithStartedBackends(profile, started, profileWithDirectives(profile, directives).qemuVersion.value),
      directives,
    )
    : profileWithDirectives(profile, directives);
  const ruleOptions: RunRulesOptions = {
    ...(resolved.severityOverrides ? { severityOverrides: resolved.severityOverrides } : {}),
    ...(resolved.disabled ? { disabled: resolved.disabled } : {}),
  };
  const models = frontend.machines ?? [];
  const machineContext: MachineContext = { document, ruleOptions, editorFor: frontend.editorFor };
  const machines = models.map((model) => analyzeMachine(model, fileProfile, machineContext));
  return suppress({ kind, machines, findings: applySeverityOverrides(documentFindings, ruleOptions) }, directives, ruleOptions);
}

interface MachineContext {
  document: DocumentText;
  editorFor: FrontendResult['editorFor'];
  ruleOptions: RunRulesOptions;
}

function analyzeMachine(model: MachineModel, profile: HostProfile, context: MachineContext): MachineAnalysis {
  const findings: Finding[] = applySeverityOverrides([...(model.diagnostics ?? [])], context.ruleOptions);
  // Each step is guarded so one machine's crash stays a finding on that machine and the others
  // are still analysed.
  const simulation = runGuarded('simulating this machine', model.headRange, findings, () => simulate(model, profile));
  if (simulation === undefined) return { model, profile, findings };
  const ruleFindings = runGuarded('checking the rules', model.headRange, findings, () =>
    runRules({ model, simulation, profile, editor: context.editorFor(model) }, context.ruleOptions));
  findings.push(...(ruleFindings ?? []));
  const hidden = withholdHiddenFindings(model, findings);
  const withFixes = hidden.findings.map((found) => withDisableFix(found, model, context.document));
  return { model, profile, simulation, findings: withFixes, uncertain: hidden.uncertain };
}

/** The one place the "disable <code> for <id>" fix is attached: to every finding of a machine that names an id. */
function withDisableFix(found: Finding, model: MachineModel, document: DocumentText): Finding {
  const subject = findingSubjects(found)[0];
  if (subject === undefined) return found;
  const fix = {
    title: `Disable ${found.code} for '${subject}' in this file`,
    edits: [insertDirectiveLine(document, model, directiveSuppression(found.code, subject))],
  };
  return { ...found, fixes: [...(found.fixes ?? []), fix] };
}

const hiddenValueCode = frontendCodes.unresolvedExpansion.code;
/** Rule findings (MS0xx); front-end findings (MS9xx) are about the text itself and always stand. */
const ruleCode = /^MS0\d\d$/;

/** The ranges of every option of the model: `-m`, `-machine`, `-cpu` and each item. */
function optionRanges(model: MachineModel): Range[] {
  const ranges = [...model.memory.ranges, ...model.machine.ranges];
  if (model.cpu.range) ranges.push(model.cpu.range);
  for (const list of [model.backends, model.devices, model.netdevs, model.chardevs, model.numaNodes]) {
    for (const item of list) ranges.push(item.range);
  }
  return ranges;
}

function within(outer: Range, inner: Range): boolean {
  return rangeContains(outer, inner.start) && rangeContains(outer, inner.end);
}

/** "$MAX hides maxmem": the front end states what an MS906 hides in its data. */
function hiddenValueLabel(finding: Finding): string {
  const hidden = finding.data?.hidden;
  return typeof hidden === 'string' ? hidden : finding.message;
}

/**
 * A rule finding that rests on a value an unresolved shell expansion hides is a guess, not a fact:
 * rule findings whose range or related ranges lie in an option that holds an MS906 are withheld,
 * and the MS906 finding says which codes memslot cannot judge there until the value is known.
 */
function withholdHiddenFindings(model: MachineModel, findings: Finding[]): { findings: Finding[]; uncertain: string[] } {
  const hidden = findings.filter((finding) => finding.code === hiddenValueCode);
  if (hidden.length === 0) return { findings, uncertain: [] };
  const options = optionRanges(model);
  // Per MS906 finding, the options it lies in.
  const tainted = hidden.map((finding) => ({
    finding, options: options.filter((option) => within(option, finding.range)), withheld: [] as string[],
  }));
  const kept: Finding[] = [];
  for (const finding of findings) {
    if (!ruleCode.test(finding.code)) {
      kept.push(finding);
      continue;
    }
    const ranges = [finding.range, ...(finding.related ?? []).map((related) => related.range)];
    const by = tainted.filter((entry) => entry.options.some((option) => ranges.some((range) => within(option, range))));
    if (by.length === 0) {
      kept.push(finding);
      continue;
    }
    for (const entry of by) if (!entry.withheld.includes(finding.code)) entry.withheld.push(finding.code);
  }
  const replaced = new Map(tainted.filter((entry) => entry.withheld.length > 0).map((entry) => {
    const expansion = /^(\S+) has no value known/.exec(entry.finding.message)?.[1] ?? 'it';
    const suffix = `; memslot cannot judge ${entry.withheld.join(', ')} here until ${expansion} is known`;
    return [entry.finding, { ...entry.finding, message: `${entry.finding.message}${suffix}` }] as const;
  }));
  return {
    findings: kept.map((finding) => replaced.get(finding) ?? finding),
    uncertain: [...new Set(hidden.map(hiddenValueLabel))],
  };
}

/**
 * Drops the findings a `disable <code> for <id>` directive names, across the whole file, and
 * reports the suppressions that matched nothing as file-level findings.
 */
function suppress(analysis: DocumentAnalysis, directives: DirectiveRead, ruleOptions: RunRulesOptions): DocumentAnalysis {
  if (directives.suppressions.length === 0) return analysis;
  const result = applySuppressions(allFindings(analysis), directives.suppressions, analysis.machines.map((machine) => machine.model));
  const kept = new Set(result.findings);
  return {
    ...analysis,
    findings: [...analysis.findings.filter((finding) => kept.has(finding)), ...applySeverityOverrides(result.unused, ruleOptions)],
    machines: analysis.machines.map((machine) => ({ ...machine, findings: machine.findings.filter((finding) => kept.has(finding)) })),
  };
}

/**
 * Runs one step of the analysis of a machine; if it throws, the failure becomes a finding on the
 * machine's range (so the user sees where analysis stopped) and the step yields undefined.
 */
export function runGuarded<T>(step: string, range: Range, findings: Finding[], run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    findings.push(internalError(step, error, range));
    return undefined;
  }
}

function documentStart(): Range {
  return makeRange(0, 0, 0, 0);
}

export function internalError(step: string, error: unknown, range: Range): Finding {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: internalErrorCode,
    severity: 'error',
    message: `memslot failed while ${step}: ${reason}. This is a bug in memslot, not in your file; please report it.`,
    range,
  };
}

/** Every finding of a document: file-level ones first, then each machine's, in order. */
export function allFindings(analysis: DocumentAnalysis): Finding[] {
  return [...analysis.findings, ...analysis.machines.flatMap((machine) => machine.findings)];
}
