import type { CodeEntry } from '../model/codes';
import type { Finding, Fix, RelatedInformation, Severity } from '../model/findings';
import type { MachineModel } from '../model/machine';
import type { Range } from '../model/range';
import type { HostProfile, Simulation } from '../simulator';
import type { DocumentEditor } from '../model/edits';

/**
 * What every rule sees: one machine, the simulator's verdict for it under the file's host profile,
 * and the editor of the front end that read the text. A rule never touches the text: its fixes ask
 * the editor for edits in terms of the model, and its wording that depends on the file kind comes
 * from `editor.vocabulary`.
 */
export interface RuleContext {
  model: MachineModel;
  simulation: Simulation;
  profile: HostProfile;
  editor: DocumentEditor;
  /** What the other rules found, before severity settings: given only to MS017, which runs last. */
  reported?: readonly Finding[];
}

/** The settings value of a rule's severity: a severity, or 'off' to turn the rule off. */
export type SeveritySetting = Severity | 'off';

/** A code's catalogue entry (server/src/model/codes.ts). */
export type RuleMetadata = CodeEntry;

/** A rule: its catalogue entry (`...codes.MS0xx`) and its check. */
export interface Rule extends CodeEntry {
  kind: 'rule';
  check(context: RuleContext): Finding[];
}

/** What a rule's check builds; `finding()` fills in the rule's code and default severity. */
export interface FindingDraft {
  message: string;
  /** Only where the facts set the severity (e.g. a warning in one QEMU version, an error in the next). */
  severity?: Severity;
  range: Range;
  related?: RelatedInformation[];
  /** Ids of the devices, netdevs or backends the finding is about, the primary one first (suppression and "disable" use them). */
  subjects?: string[];
  data?: Record<string, unknown>;
  fixes?: Fix[];
  /** QEMU's verbatim words (error and hint): the hover and the rule page show them, the one-line message does not. */
  qemu?: string;
}

export function finding(rule: Pick<RuleMetadata, 'code' | 'defaultSeverity'>, draft: FindingDraft): Finding {
  const data: Record<string, unknown> = { ...(draft.data ?? {}) };
  if (draft.qemu) data.qemu = draft.qemu;
  if (draft.subjects && draft.subjects.length > 0) data.subjects = draft.subjects;
  const result: Finding = { code: rule.code, severity: draft.severity ?? rule.defaultSeverity, message: draft.message, range: draft.range };
  if (draft.related && draft.related.length > 0) result.related = draft.related;
  if (Object.keys(data).length > 0) result.data = data;
  if (draft.fixes && draft.fixes.length > 0) result.fixes = draft.fixes;
  return result;
}
