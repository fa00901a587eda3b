import type { Position, Range } from '../../model/range';

/** Converts string offsets (UTF-16 units, like LSP characters) to 0-based line/character positions. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }

  /** Offset of the end of the line holding `offset` (before its newline). */
  lineEnd(offset: number): number {
    const newline = this.text.indexOf('\n', offset);
    const end = newline < 0 ? this.text.length : newline;
    return end > offset && this.text[end - 1] === '\r' ? end - 1 : end;
  }
}
