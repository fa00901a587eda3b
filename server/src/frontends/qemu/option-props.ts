import type { Finding } from '../../model/findings';
import type { Range } from '../../model/range';
import type { Property, RawValue } from '../../model/values';
import type { OptionSyntax } from '../../model/machine';
import { frontendCodes } from '../../model/codes';
import { parseJson, type JsonNode } from './json-option';
import type { DocumentText } from '../../model/document-text';
import { parseQemuOpts, type OptsDialect } from './qemu-opts';
import { unresolvedIn, wordSliceOffsets, type ShellWord, type UnresolvedExpansion } from './shell-words';

/** One property of an option, in either syntax, with the ranges of its key and value. */
export interface PropEntry {
  key: string;
  keyRange: Range;
  /** QemuOpts: always a string; JSON: typed. */
  raw: RawValue;
  /** For JSON strings the range includes the quotes. */
  valueRange: Range;
  syntax: OptionSyntax;
  /** How a QemuOpts item was written; `flag` is a bare `name`/`noname`. */
  form: 'implied' | 'pair' | 'flag' | 'json';
  /** JSON value kind, to check types the way QEMU's JSON input visitor does. */
  jsonKind?: JsonNode['kind'];
  /** Unresolved shell expansions inside the value. */
  unresolved: UnresolvedExpansion[];
  /** Source offsets of the unresolved expansions, for their own ranges. */
  unresolvedRanges: Range[];
  /** A missing '=' here was already reported (keyval dialect). */
  flagReported?: boolean;
}

export interface OptionProps {
  syntax: OptionSyntax;
  entries: PropEntry[];
}

export function wordRange(word: ShellWord, from: number, to: number, lines: DocumentText): Range {
  const { start, end } = wordSliceOffsets(word, from, to);
  return lines.rangeOf(start, end);
}

function jsonToRaw(node: JsonNode): RawValue {
  switch (node.kind) {
    case 'object': {
      const result: { [key: string]: RawValue } = {};
      for (const member of node.members) result[member.key] = jsonToRaw(member.value);
      return result;
    }
    case 'array': return node.items.map(jsonToRaw);
    case 'null': return null;
    default: return node.value;
  }
}

/**
 * Reads an option argument as JSON (when `jsonAllowed` and it starts with `{`) or as QemuOpts.
 * Returns undefined when the JSON is broken (an MS903 finding is added).
 */
export function readOptionProps(
  word: ShellWord,
  impliedKey: string | undefined,
  dialect: OptsDialect,
  jsonAllowed: boolean,
  optionName: string,
  lines: DocumentText,
  findings: Finding[],
): OptionProps | undefined {
  const range = (from: number, to: number): Range => wordRange(word, from, to, lines);
  const expansionsIn = (from: number, to: number): UnresolvedExpansion[] => (
    word.unresolved.length === 0 ? [] : unresolvedIn(word, from, to));
  const rangesOf = (unresolved: UnresolvedExpansion[]): Range[] => (
    unresolved.length === 0 ? [] : unresolved.map((e) => lines.rangeOf(e.sourceStart, e.sourceEnd)));
  if (jsonAllowed && word.text.trimStart().startsWith('{')) {
    const parsed = parseJson(word.text);
    if (!parsed.ok) {
      // JSON built from shell variables we could not resolve is unknown, not wrong.
      const hiding = word.unresolved.find((e) => e.from <= parsed.from && parsed.from <= e.to);
      if (hiding) {
        const { code, defaultSeverity: severity } = frontendCodes.unresolvedExpansion;
        findings.push({
          code, severity,
          message: `${hiding.text} has no value known in this script, so the JSON of -${optionName} cannot be read`,
          range: lines.rangeOf(hiding.sourceStart, hiding.sourceEnd),
          data: { hidden: `${hiding.text} hides the JSON of -${optionName}` },
        });
        return undefined;
      }
      const { code, defaultSeverity: severity } = frontendCodes.invalidJson;
      findings.push({ code, severity, message: `-${optionName}: ${parsed.message}`, range: range(parsed.from, parsed.to) });
      return undefined;
    }
    if (parsed.value.kind !== 'object') {
      const { code, defaultSeverity: severity } = frontendCodes.invalidJson;
      findings.push({ code, severity, message: `the JSON argument of -${optionName} must be an object`, range: range(parsed.value.from, parsed.value.to) });
      return undefined;
    }
    const entries = parsed.value.members.map((member): PropEntry => {
      const unresolved = expansionsIn(member.value.from, member.value.to);
      return {
        key: member.key,
        keyRange: range(member.keyFrom, member.keyTo),
        raw: jsonToRaw(member.value),
        valueRange: range(member.value.from, member.value.to),
        syntax: 'json',
        form: 'json',
        jsonKind: member.value.kind,
        unresolved,
        unresolvedRanges: rangesOf(unresolved),
      };
    });
    return { syntax: 'json', entries };
  }
  const parsed = parseQemuOpts(word.text, impliedKey, dialect);
  for (const problem of parsed.problems) {
    const { code, defaultSeverity: severity } = frontendCodes.syntax;
    findings.push({ code, severity, message: problem.message, range: range(problem.from, problem.to) });
  }
  const entries = parsed.items.map((item): PropEntry => {
    const unresolved = expansionsIn(item.valueFrom, item.valueTo);
    const entry: PropEntry = {
      key: item.key,
      keyRange: range(item.keyFrom, item.keyTo),
      raw: item.value,
      valueRange: range(item.valueFrom, item.valueTo),
      syntax: 'qemuopts',
      form: item.form,
      unresolved,
      unresolvedRanges: rangesOf(unresolved),
    };
    if (item.form === 'flag' && dialect === 'keyval') entry.flagReported = true;
    return entry;
  });
  return { syntax: 'qemuopts', entries };
}

export function toProperty(entry: PropEntry): Property {
  return { key: entry.key, keyRange: entry.keyRange, value: entry.raw, valueRange: entry.valueRange };
}

/** The last entry with a key (QEMU's QemuOpts and keyval both let a later key win). */
export function lastEntry(entries: PropEntry[], key: string): PropEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].key === key) return entries[i];
  return undefined;
}
