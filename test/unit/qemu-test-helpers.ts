import type { Range } from '../../server/src/model/range';

/**
 * The range of the `occurrence`-th `needle` in `text`, computed by plain line counting so that
 * expectations do not depend on the code under test.
 */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' (occurrence ${occurrence}) not in text`);
  }
  return { start: positionOf(text, index), end: positionOf(text, index + needle.length) };
}

export function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
