import type { TextEdit } from '../model/findings';
import type { ModelItem } from '../model/machine';
import type { Range } from '../model/range';
import type { DocumentText } from '../model/document-text';

/**
 * Text edits the fixes share. They work from the model's ranges and only look at the characters
 * around them (blanks, line continuations), so they keep the file's own layout.
 */

/** The offset just after the last non-blank character before `offset`, skipping `\`-newline continuations. */
function endOfPreviousContent(text: string, offset: number): number {
  let pos = offset;
  for (;;) {
    const c = text[pos - 1];
    if (c === ' ' || c === '\t') pos--;
    else if (c === '\n') {
      pos--;
      if (text[pos - 1] === '\r') pos--;
      if (text[pos - 1] === '\\') pos--;
    } else break;
  }
  return pos;
}

/** The separator written before `offset` (e.g. ` \` newline and indentation), without any comment lines in it. */
function separatorBefore(text: string, offset: number): string {
  const separator = text.slice(endOfPreviousContent(text, offset), offset);
  const firstNewline = separator.indexOf('\n');
  if (firstNewline < 0) return separator === '' ? ' ' : separator;
  return separator.slice(0, firstNewline + 1) + separator.slice(separator.lastIndexOf('\n') + 1);
}

/**
 * Moves whole options (each given by its range, flag and value) to just before `target`, in the
 * order given, each followed by the separator the file uses before `target`: one option per
 * continued line stays one option per continued line, with the same indentation.
 */
export function moveOptionsBefore(document: DocumentText, moved: Range[], target: Range): TextEdit[] {
  const { text } = document;
  const targetStart = document.offsetAt(target.start);
  const separator = separatorBefore(text, targetStart);
  const inserted = moved.map((range) => document.slice(range) + separator).join('');
  const deletions = moved
    .map((range) => [endOfPreviousContent(text, document.offsetAt(range.start)), document.offsetAt(range.end)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const deletion of deletions) {
    const last = merged[merged.length - 1];
    if (last && deletion[0] <= last[1]) last[1] = Math.max(last[1], deletion[1]);
    else merged.push([...deletion]);
  }
  const edits: TextEdit[] = [{ range: { start: target.start, end: target.start }, newText: inserted }];
  for (const [start, end] of merged) {
    // A deletion that would reach back over the insertion point starts at the target instead.
    const from = start < targetStart && end > targetStart ? targetStart : start;
    edits.push({ range: document.rangeOf(from, end), newText: '' });
  }
  return edits;
}

/** QemuOpts spells booleans on/off; JSON options need JSON values. */
function propertyValueText(item: ModelItem, value: string | number | boolean): string {
  if (item.syntax === 'json') return typeof value === 'string' ? JSON.stringify(value) : String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/**
 * Sets a property of a QEMU option (`-device`, `-object`...): replaces the value where it is
 * written, else appends `,key=value` (QemuOpts) or `,"key":value` (JSON) to the option.
 */
export function setOptionProperty(document: DocumentText, item: ModelItem, key: string, value: string | number | boolean): TextEdit | null {
  const newValue = propertyValueText(item, value);
  const existing = [...item.properties].reverse().find((p) => p.key === key);
  if (existing) return { range: existing.valueRange, newText: newValue };
  const optionText = document.slice(item.range);
  const optionStart = document.offsetAt(item.range.start);
  if (item.syntax === 'json') {
    const close = optionText.lastIndexOf('}');
    if (close < 0) return null;
    const at = document.positionAt(optionStart + close);
    return { range: { start: at, end: at }, newText: `,${JSON.stringify(key)}:${newValue}` };
  }
  // Insert inside a closing quote, if the value is quoted, so the shell word stays one word.
  let end = optionStart + optionText.length;
  const last = optionText[optionText.length - 1];
  if (last === '"' || last === "'") end--;
  const at = document.positionAt(end);
  return { range: { start: at, end: at }, newText: `,${key}=${newValue}` };
}

/** Sets `key=value` in the `-m` option (its first range), replacing a written value. */
export function setMemoryOption(
  document: DocumentText, ranges: Range[], written: { range: Range } | undefined, key: string, value: string): TextEdit | null {
  if (written) return { range: written.range, newText: value };
  const range = ranges[0];
  if (!range) return null;
  return { range: { start: range.end, end: range.end }, newText: `,${key}=${value}` };
}

/** Offset just past `<element` where a start tag of that name begins in `text` (a blank, `/` or `>` follows), or -1. */
function startTagNameEnd(text: string, element: string): number {
  const open = `<${element}`;
  for (let at = text.indexOf(open); at >= 0; at = text.indexOf(open, at + 1)) {
    const next = text[at + open.length];
    if (next === ' ' || next === '\t' || next === '\n' || next === '\r' || next === '/' || next === '>') return at + open.length;
  }
  return -1;
}

/** Replaces an XML attribute's value (its range excludes the quotes) or inserts the attribute after a tag name. */
export function setXmlAttribute(
  document: DocumentText, within: Range, element: string, attribute: string, value: string,
  written?: { range: Range; origin: string }): TextEdit | null {
  if (written && written.origin === 'written') return { range: written.range, newText: value };
  const start = document.offsetAt(within.start);
  const slice = document.slice(within);
  const tagEnd = startTagNameEnd(slice, element);
  if (tagEnd < 0) return null;
  const at = document.positionAt(start + tagEnd);
  return { range: { start: at, end: at }, newText: ` ${attribute}='${value}'` };
}

/** Deletes `,key=value` from a QemuOpts option (or `"key":value,` from JSON). */
export function removeProperty(document: DocumentText, device: ModelItem, key: string): TextEdit | null {
  const property = device.properties.find((p) => p.key === key);
  if (!property) return null;
  const { text } = document;
  let start = document.offsetAt(property.keyRange.start);
  let end = document.offsetAt(property.valueRange.end);
  if (device.syntax === 'json') {
    if (text[start - 1] === '"') start--;
    if (text[end] === '"') end++;
  }
  const before = text.slice(0, start).search(/,\s*$/);
  if (before >= 0) start = before;
  else if (text[end] === ',') end++;
  return { range: document.rangeOf(start, end), newText: '' };
}
