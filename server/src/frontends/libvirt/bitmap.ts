/**
 * libvirt's bitmap syntax (`0-3,^2,5`: a cell's `cpus`, a nodeset), read as libvirt 11.3 reads it
 * (docs/facts/libvirt.md#numa-cells-and-vcpus): parts apply in order (`^N` clears a bit set
 * before it), blanks may surround numbers and the dash, one trailing comma is allowed, and no bit
 * may be 16384 or more. Fixed-size words keep every operation bounded by the bitmap, not by the
 * numbers written.
 */

/** Bits in a libvirt CPU or node mask (VIR_DOMAIN_CPUMASK_LEN). */
export const bitmapBits = 16384;
const wordCount = bitmapBits / 32;

export class Bitmap {
  private readonly words = new Uint32Array(wordCount);

  setRange(from: number, to: number): void {
    for (let bit = from; bit <= to; ) {
      const word = bit >>> 5;
      const offset = bit & 31;
      const span = Math.min(32 - offset, to - bit + 1);
      const mask = span === 32 ? 0xffffffff : ((1 << span) - 1) << offset;
      this.words[word] = (this.words[word] ?? 0) | mask;
      bit += span;
    }
  }

  clear(bit: number): void {
    const word = bit >>> 5;
    this.words[word] = (this.words[word] ?? 0) & ~(1 << (bit & 31));
  }

  count(): number {
    let total = 0;
    for (const word of this.words) total += popcount(word);
    return total;
  }

  /** The highest bit set, or -1 when none is. */
  last(): number {
    for (let word = wordCount - 1; word >= 0; word--) {
      const value = this.words[word] ?? 0;
      if (value !== 0) return word * 32 + 31 - Math.clz32(value);
    }
    return -1;
  }

  /** The bits set in both, in increasing order. */
  common(other: Bitmap): number[] {
    const bits: number[] = [];
    for (let word = 0; word < wordCount; word++) collect((this.words[word] ?? 0) & (other.words[word] ?? 0), word, bits);
    return bits;
  }

  /** The bits set, in increasing order. */
  positions(): number[] {
    const bits: number[] = [];
    for (let word = 0; word < wordCount; word++) collect(this.words[word] ?? 0, word, bits);
    return bits;
  }

  or(other: Bitmap): void {
    for (let word = 0; word < wordCount; word++) this.words[word] = (this.words[word] ?? 0) | (other.words[word] ?? 0);
  }
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function collect(value: number, word: number, into: number[]): void {
  for (let rest = value >>> 0; rest !== 0; rest = (rest & (rest - 1)) >>> 0) {
    into.push(word * 32 + 31 - Math.clz32(rest & -rest));
  }
}

/** C's isspace, which libvirt skips around the parts. */
const isBlank = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';

/** The bitmap `text` writes, or undefined where libvirt says "Failed to parse bitmap". */
export function parseBitmap(text: string): Bitmap | undefined {
  const bitmap = new Bitmap();
  let at = 0;
  const skipBlanks = (): void => {
    while (isBlank(text[at])) at++;
  };
  /** A number below the bitmap's size, or undefined. */
  const readNumber = (): number | undefined => {
    const start = at;
    while (isDigit(text[at])) at++;
    if (at === start) return undefined;
    const value = Number(text.slice(start, at));
    return value < bitmapBits ? value : undefined;
  };
  let parts = 0;
  for (;;) {
    skipBlanks();
    // One trailing comma ends the list; an empty list or an empty part does not parse.
    if (at >= text.length && parts > 0) break;
    if (text[at] === '^') {
      at++;
      const bit = readNumber();
      if (bit === undefined) return undefined;
      bitmap.clear(bit);
    } else {
      const from = readNumber();
      if (from === undefined) return undefined;
      skipBlanks();
      let to = from;
      if (text[at] === '-') {
        at++;
        skipBlanks();
        const end = readNumber();
        if (end === undefined || end < from) return undefined;
        to = end;
      }
      bitmap.setRange(from, to);
    }
    parts++;
    skipBlanks();
    if (at >= text.length) break;
    if (text[at] !== ',') return undefined;
    at++;
  }
  return bitmap;
}
