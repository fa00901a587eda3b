import type { Range } from './range';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInformation {
  message: string;
  range: Range;
}

/**
 * What the core reports: front-end problems and rule findings share this shape, so the LSP and CLI
 * adapters need one conversion only. `code` is stable (front-end codes are MS9xx, rules MS0xx-MS1xx).
 */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  related?: RelatedInformation[];
  /** Opaque payload for quick fixes (e.g. ids of the devices involved). */
  data?: Record<string, unknown>;
  /** Fixes offered for this finding, most useful first. */
  fixes?: Fix[];
}

/** A replacement of the document text in `range` (0-based, like LSP); an empty range inserts. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * A fix a rule offers for its finding: exact edits on the same document. Adapters turn it into an
 * LSP code action (or apply it in the CLI); the rule decides which one is clearly right.
 */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The clearly right fix: marked preferred in the editor. */
  isPreferred?: boolean;
  /** Safe to apply together with the other fix-all fixes (source.fixAll.memslot). */
  fixAll?: boolean;
}

/** The ids a finding names (rule findings put them in `data.subjects`). */
export function findingSubjects(found: Finding): string[] {
  const subjects = found.data?.subjects;
  return Array.isArray(subjects) ? subjects.filter((s): s is string => typeof s === 'string') : [];
}
