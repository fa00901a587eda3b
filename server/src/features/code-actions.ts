import { allFindings, type DocumentAnalysis } from '../analysis';
import type { Finding, TextEdit } from '../model/findings';
import { comparePositions, type Range } from '../model/range';

export const fixAllKind = 'source.fixAll.memslot';
export const quickFixKind = 'quickfix';
/** Implemented by the client: opens the documentation page of a code (arguments: code, url). */
export const showDocumentationCommand = 'memslot.showDocumentation';

export interface CommandData {
  title: string;
  command: string;
  arguments: unknown[];
}

/** A code action as plain data; the LSP adapter wraps `edits` in a WorkspaceEdit for the document. */
export interface CodeActionData {
  title: string;
  kind: typeof quickFixKind | typeof fixAllKind;
  edits: TextEdit[];
  isPreferred?: boolean;
  /** The finding a quick fix is for, so the adapter can attach its diagnostic. */
  finding?: Finding;
  command?: CommandData;
}

/**
 * Actions for the findings overlapping `range` (limited to `diagnosticCodes` when the editor names
 * the diagnostics it asks about): each rule fix as a quick fix, one "show documentation" per code,
 * and the fix-all action when some fixes are safe to apply together.
 */
export function codeActions(
  analysis: DocumentAnalysis,
  range: Range,
  diagnosticCodes: readonly string[] = [],
  docUrl: (code: string) => string = (code) => code,
): CodeActionData[] {
  const findings = allFindings(analysis).filter((finding) =>
    rangesOverlap(finding.range, range) && (diagnosticCodes.length === 0 || diagnosticCodes.includes(finding.code)));
  const actions: CodeActionData[] = [];
  for (const finding of findings) {
    for (const fix of finding.fixes ?? []) {
      actions.push({ title: fix.title, kind: quickFixKind, edits: fix.edits, ...(fix.isPreferred ? { isPreferred: true } : {}), finding });
    }
  }
  for (const code of [...new Set(findings.map((finding) => finding.code))]) {
    actions.push({
      title: `Show documentation for ${code}`,
      kind: quickFixKind,
      edits: [],
      command: { title: `Show documentation for ${code}`, command: showDocumentationCommand, arguments: [code, docUrl(code)] },
    });
  }
  const fixAll = fixAllAction(analysis);
  if (fixAll) actions.push(fixAll);
  return actions;
}

/**
 * Every finding's first fix-all fix, in document order, leaving out a fix whose edits would touch
 * text another chosen fix already edits (the editor rejects overlapping edits; the next run of
 * fix-all picks the rest up).
 */
export function fixAllAction(analysis: DocumentAnalysis): CodeActionData | undefined {
  const chosen: TextEdit[] = [];
  const findings = [...allFindings(analysis)].sort((a, b) => comparePositions(a.range.start, b.range.start));
  for (const finding of findings) {
    const fix = (finding.fixes ?? []).find((candidate) => candidate.fixAll);
    if (!fix || fix.edits.length === 0) continue;
    if (fix.edits.some((edit) => chosen.some((taken) => editsCollide(edit.range, taken.range)))) continue;
    if (fix.edits.some((edit, i) => fix.edits.some((other, j) => i < j && editsCollide(edit.range, other.range)))) continue;
    chosen.push(...fix.edits);
  }
  if (chosen.length === 0) return undefined;
  chosen.sort((a, b) => comparePositions(a.range.start, b.range.start));
  return { title: 'Fix all memslot problems that can be fixed together', kind: fixAllKind, edits: chosen };
}

/** Closed ranges: a finding on an empty range still matches a cursor at its position. */
export function rangesOverlap(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

/** Two edits collide when they share text, or insert at the same point (their order would be ambiguous). */
function editsCollide(a: Range, b: Range): boolean {
  if (comparePositions(a.start, b.start) === 0) return true;
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
}
