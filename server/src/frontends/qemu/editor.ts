import { directiveOption, insertDirectiveLine } from '../../model/directive-text';
import type { DocumentText } from '../../model/document-text';
import type { DocumentEditor, EditableProperty, FrontendVocabulary, MemoryLimits, ProposedEdit, PropertyValue } from '../../model/edits';
import type { TextEdit } from '../../model/findings';
import type { Device, MachineModel, MemoryBackend, ModelItem } from '../../model/machine';
import type { Position, Range } from '../../model/range';
import { booleanValue, GiB, MiB } from '../../model/sizes';

/**
 * The QEMU front end's editor: edits a command line (a shell script or an argument file) on its
 * options' ranges, looking only at the characters around them (blanks, `\`-newline continuations,
 * quotes), so a fix keeps the file's own layout and every shell word stays one word.
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

type Quoting = 'none' | 'single' | 'double';

/** The shell quoting in force at `offset` of `text` (read from its start, which is outside quotes). */
export function quotingAt(text: string, offset: number): Quoting {
  let state: Quoting = 'none';
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (c === '\\') i++;
    else if (c === '"') state = state === 'double' ? 'none' : 'double';
    else if (c === "'" && state === 'none') state = 'single';
  }
  return state;
}

/** `text` as it must be written where `quoting` is in force, so the shell reads back `text`. */
function quoted(text: string, quoting: Quoting): string {
  if (quoting === 'double') return text.replace(/["\\$`]/g, '\\$&');
  if (quoting === 'single') return text.replace(/'/g, "'\\''");
  return /[^A-Za-z0-9_./=,:@%+-]/.test(text) ? `'${text.replace(/'/g, "'\\''")}'` : text;
}

/** QemuOpts spells booleans on/off; JSON options need JSON values. */
function propertyValueText(item: ModelItem, value: PropertyValue): string {
  if (item.syntax === 'json') return typeof value === 'string' ? JSON.stringify(value) : String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** The last character before `offset` that is not blank, or ''. */
function previousNonBlank(text: string, offset: number): string {
  let at = offset - 1;
  while (at >= 0 && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at--;
  return at >= 0 ? text[at] : '';
}

/**
 * Sets a property of a QEMU option (`-device`, `-object`...): replaces the value where it is
 * written, else appends `,key=value` (QemuOpts) or `,"key":value` (JSON) to the option, quoted for
 * the shell quoting in force there.
 */
export function setOptionProperty(document: DocumentText, item: ModelItem, key: string, value: PropertyValue): TextEdit | null {
  const newValue = propertyValueText(item, value);
  const optionText = document.slice(item.range);
  const optionStart = document.offsetAt(item.range.start);
  const existing = [...item.properties].reverse().find((p) => p.key === key);
  if (existing) {
    const at = document.offsetAt(existing.valueRange.start) - optionStart;
    return { range: existing.valueRange, newText: quoted(newValue, quotingAt(optionText, at)) };
  }
  if (item.syntax === 'json') {
    const close = optionText.lastIndexOf('}');
    if (close < 0) return null;
    const comma = previousNonBlank(optionText, close) === '{' ? '' : ',';
    const at = document.positionAt(optionStart + close);
    return { range: { start: at, end: at }, newText: quoted(`${comma}${JSON.stringify(key)}:${newValue}`, quotingAt(optionText, close)) };
  }
  // Insert inside a closing quote, if the value is quoted, so the shell word stays one word.
  let end = optionText.length;
  const last = optionText[optionText.length - 1];
  if (last === '"' || last === "'") end--;
  const at = document.positionAt(optionStart + end);
  return { range: { start: at, end: at }, newText: quoted(`,${key}=${newValue}`, quotingAt(optionText, end)) };
}

/** Deletes `,key=value` from a QemuOpts option (or `"key":value,` from JSON, its quotes escaped or not). */
export function removeOptionProperty(document: DocumentText, item: ModelItem, key: string): TextEdit | null {
  const property = item.properties.find((p) => p.key === key);
  if (!property) return null;
  const { text } = document;
  let start = document.offsetAt(property.keyRange.start);
  let end = document.offsetAt(property.valueRange.end);
  if (item.syntax === 'json') {
    if (text[start - 1] === '"') start -= text[start - 2] === '\\' ? 2 : 1;
    if (text[end] === '"') end++;
    else if (text[end] === '\\' && text[end + 1] === '"') end += 2;
  }
  // The separator before it goes with it; the first property takes the comma after it instead.
  let before = start;
  while (before > 0 && (text[before - 1] === ' ' || text[before - 1] === '\t' || text[before - 1] === '\n' || text[before - 1] === '\r')) before--;
  if (text[before - 1] === ',') start = before - 1;
  else if (text[end] === ',') end++;
  return { range: document.rangeOf(start, end), newText: '' };
}

/** `-m` spelling of a size: the largest of G, M, K that divides it, else bytes. */
export function memoryOptionSize(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}G`;
  if (bytes % MiB === 0) return `${bytes / MiB}M`;
  if (bytes % 1024 === 0) return `${bytes / 1024}K`;
  return String(bytes);
}

/** Two options appended at the same place become one insertion, so no editor can swap them. */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  const same = (a: Position, b: Position): boolean => a.line === b.line && a.character === b.character;
  const insertion = (e: TextEdit): boolean => same(e.range.start, e.range.end);
  for (const edit of edits) {
    const last = merged[merged.length - 1];
    if (last && insertion(last) && insertion(edit) && same(last.range.start, edit.range.start)) {
      merged[merged.length - 1] = { range: last.range, newText: last.newText + edit.newText };
    } else merged.push(edit);
  }
  return merged;
}

/** A JSON -device's properties as one QemuOpts word (driver first), or null when a value has no QemuOpts spelling. */
function qemuOptsWord(device: Device): string | null {
  const parts = [device.driver.value];
  for (const property of device.properties) {
    if (property.key === 'driver') continue;
    const value = property.value;
    let text: string;
    if (typeof value === 'string') text = value.replace(/,/g, ',,');
    else if (typeof value === 'boolean') text = value ? 'on' : 'off';
    else if (typeof value === 'number') text = String(value);
    else return null;
    parts.push(`${property.key}=${text}`);
  }
  const word = parts.join(',');
  if (/^[A-Za-z0-9_./=,:@%+-]+$/.test(word)) return word;
  return word.includes("'") ? null : `'${word}'`;
}

const vocabulary: FrontendVocabulary = {
  assignment: (property, value) => `${property}=${typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)}`,
  directive: (flag, value) => `# memslot: --${flag.replace(/^-+/, '')} ${value}`,
  unsupportedProperty: (property, qemuVersion, qemuError) => ({
    refuser: `QEMU ${qemuVersion}`,
    requirement: `${property} exists from QEMU ${propertySince[property] ?? 'a later version'} on`,
    verbatim: qemuError,
  }),
};

/** The first QEMU version with a property, where a fix may meet an older one. */
const propertySince: Partial<Record<EditableProperty, string>> = { 'dynamic-memslots': '8.2' };

export class QemuEditor implements DocumentEditor {
  readonly vocabulary = vocabulary;

  constructor(private readonly document: DocumentText, private readonly model: MachineModel) {}

  setProperty(item: ModelItem, property: EditableProperty, value: PropertyValue): TextEdit | null {
    return setOptionProperty(this.document, item, property, value);
  }

  removeProperty(item: ModelItem, property: EditableProperty): TextEdit | null {
    return removeOptionProperty(this.document, item, property);
  }

  moveBefore(moved: ModelItem[], target: ModelItem): TextEdit[] {
    return moveOptionsBefore(this.document, moved.map((item) => item.range), target.range);
  }

  setMemoryLimits(limits: MemoryLimits): ProposedEdit | null {
    const { memory } = this.model;
    const changes: Array<{ key: string; value: string; written: { range: Range } | undefined }> = [];
    if (limits.maxmem !== undefined) changes.push({ key: 'maxmem', value: memoryOptionSize(limits.maxmem), written: memory.maxmem });
    if (limits.slots !== undefined) changes.push({ key: 'slots', value: String(limits.slots), written: memory.slots });
    const at = memory.ranges[0];
    const edits: TextEdit[] = [];
    for (const change of changes) {
      if (change.written) edits.push({ range: change.written.range, newText: change.value });
      else if (at) edits.push({ range: { start: at.end, end: at.end }, newText: `,${change.key}=${change.value}` });
      else return null;
    }
    if (edits.length === 0) return null;
    return { title: `Set ${changes.map((c) => `${c.key}=${c.value}`).join(' and ')} on -m`, edits: mergeInsertions(edits) };
  }

  ensureSharedMemory(backend: MemoryBackend | undefined, options: { needsFdType: boolean }): ProposedEdit | null {
    if (backend && !backend.implicit) {
      const edits: TextEdit[] = [];
      const type = backend.type;
      if (options.needsFdType && type.value === 'memory-backend-ram' && backend.syntax === 'qemuopts' && type.origin === 'written') {
        edits.push({ range: type.range, newText: 'memory-backend-memfd' });
      }
      const share = setOptionProperty(this.document, backend, 'share', true);
      if (share) edits.push(share);
      if (edits.length === 0) return null;
      const name = backend.displayName ?? backend.id?.value ?? type.value;
      return { title: `Use shared, fd-backed memory for '${name}' (${edits.length > 1 ? 'memory-backend-memfd, ' : ''}share=on)`, edits };
    }
    // Implicit boot RAM: give it an explicit shared memfd backend right after -m.
    const { memory, numaNodes, machine } = this.model;
    const memoryRange = memory.ranges[0];
    const size = memory.size?.value;
    if (!memoryRange || size === undefined || numaNodes.length > 0 || machine.memoryBackend) return null;
    const sizeText = size % MiB === 0 ? `${size / MiB}M` : String(size);
    return {
      title: 'Back the boot RAM with a shared memfd backend (-object memory-backend-memfd,share=on + -machine memory-backend=)',
      edits: [{ range: { start: memoryRange.end, end: memoryRange.end }, newText: ` -object memory-backend-memfd,id=guest-ram,size=${sizeText},share=on -machine memory-backend=guest-ram` }],
    };
  }

  /** Every written `acpi=off` (or `no`, `false`) on -machine becomes `acpi=on`. */
  enableAcpi(): ProposedEdit | null {
    const edits: TextEdit[] = this.model.machine.properties
      .filter((property) => property.key === 'acpi' && booleanValue(property.value) === false)
      .map((property) => ({ range: property.valueRange, newText: 'on' }));
    return edits.length > 0 ? { title: 'Turn ACPI on (-machine acpi=on)', edits } : null;
  }

  rewriteInQemuOptsForm(device: Device): TextEdit | null {
    if (device.syntax !== 'json') return null;
    const word = qemuOptsWord(device);
    if (word === null) return null;
    const written = this.document.slice(device.range);
    let flagEnd = 0;
    while (flagEnd < written.length && !/\s/.test(written[flagEnd])) flagEnd++;
    return { range: device.range, newText: `${written.slice(0, flagEnd) || '-device'} ${word}` };
  }

  insertDirective(flag: string, value: string): TextEdit {
    return insertDirectiveLine(this.document, this.model, directiveOption('comment-hash', flag, value));
  }
}
