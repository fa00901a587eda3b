import type { Finding } from '../model/findings';

/**
 * Diagnostics carry this key in `data.memslotKey`, so a code action request finds the finding (and
 * its fixes) again in the analysis of the same document version.
 */
export function findingKey(finding: Finding): string {
  const { start, end } = finding.range;
  return `${finding.code}@${start.line}:${start.character}-${end.line}:${end.character}`;
}

export function keyOfDiagnosticData(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const key = (data as { memslotKey?: unknown }).memslotKey;
  return typeof key === 'string' ? key : undefined;
}
