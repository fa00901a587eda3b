/** Positions and ranges are 0-based, like LSP, so adapters pass them through unchanged. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export function makeRange(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** The smallest range covering both. */
export function coverRanges(a: Range, b: Range): Range {
  return {
    start: comparePositions(a.start, b.start) <= 0 ? a.start : b.start,
    end: comparePositions(a.end, b.end) >= 0 ? a.end : b.end,
  };
}

export function rangeContains(outer: Range, position: Position): boolean {
  return comparePositions(outer.start, position) <= 0 && comparePositions(position, outer.end) <= 0;
}
