import type { Position, Range } from './range';
import type { TextEdit } from './findings';

/** Which front end reads a document: a shell script, a QEMU argument file, or libvirt domain XML. */
export type DocumentKind = 'shell' | 'qemu-args' | 'libvirt-xml';

/**
 * Offsets and positions of one document's text (0-based lines and UTF-16 characters), with LSP's
 * line breaks (`\n`, `\r\n` and a lone `\r`), so every front end, rule and adapter agrees with the
 * editor on where a line starts.
 */
export class DocumentText {
  /** Accepts either, so a caller that already indexed the text passes its index along. */
  static of(source: string | DocumentText): DocumentText {
    return typeof source === 'string' ? new DocumentText(source) : source;
  }

  private readonly lineStarts: number[] = [0];
  /**
   * The line of the last positionAt: front ends ask for offsets left to right, so checking this
   * line and the next before a binary search makes a sequential scan O(1) per position.
   */
  private lastLine = 0;

  constructor(readonly text: string) {
    if (!text.includes('\r')) {
      // The common case, found with indexOf rather than a loop over every character.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offset where `line` starts; past the last line, the end of the text. */
  private startOf(line: number): number {
    return this.lineStarts[line] ?? this.text.length;
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.startOf(Math.max(0, position.line));
    return Math.min(start + position.character, this.lineEnd(position.line));
  }

  /**
   * An offset inside a `\r\n` pair (on its `\n`) is placed at the end of the line, before the
   * `\r`: a position is never past a line's last character.
   */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(clamped);
    return { line, character: Math.min(clamped, this.lineEnd(line)) - this.startOf(line) };
  }

  private lineOf(clamped: number): number {
    const count = this.lineStarts.length;
    const last = this.lastLine;
    if (this.startOf(last) <= clamped) {
      if (last + 1 >= count || clamped < this.startOf(last + 1)) return last;
      if (last + 2 >= count || clamped < this.startOf(last + 2)) return (this.lastLine = last + 1);
    }
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.startOf(mid) <= clamped) low = mid;
      else high = mid - 1;
    }
    return (this.lastLine = low);
  }

  slice(range: Range): string {
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  /** Offset of the end of a line, before its line break. */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.startOf(line + 1) - 1 : this.text.length;
    return next > this.startOf(line) && this.text[next] === '\n' && this.text[next - 1] === '\r' ? next - 1 : next;
  }

  /** Offset of the end of the line holding `offset`, before its line break. */
  lineEndAt(offset: number): number {
    return this.lineEnd(this.positionAt(offset).line);
  }

  lineText(line: number): string {
    if (line < 0 || line >= this.lineStarts.length) return '';
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }

  /** The range between two offsets; an end before the start gives an empty range at the start. */
  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(Math.max(startOffset, endOffset)) };
  }

  /** The text with non-overlapping edits applied; edits at one point keep their given order. */
  applyEdits(edits: readonly TextEdit[]): string {
    const sorted = edits
      .map((edit, index) => ({ start: this.offsetAt(edit.range.start), end: this.offsetAt(edit.range.end), text: edit.newText, index }))
      .sort((a, b) => b.start - a.start || b.index - a.index);
    let text = this.text;
    for (const edit of sorted) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    return text;
  }
}
