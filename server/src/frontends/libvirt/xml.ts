import { DocumentText } from '../../model/document-text';
import type { Finding } from '../../model/findings';
import type { Position, Range } from '../../model/range';
import { frontendCodes } from '../../model/codes';

/**
 * A small, tolerant XML reader that keeps exact positions. Written here rather than taken from a
 * package because memslot needs three things together that the common pure-JS parsers give only
 * in part: 0-based line/character ranges for attribute names *and* values, a tree for a document
 * that is half typed, and a guarantee never to throw. It reads one pass, left to right, and never
 * moves backwards, so it always ends.
 */

export interface XmlAttribute {
  name: string;
  /** Decoded value; '' when the value is missing. */
  value: string;
  nameRange: Range;
  /** Inside the quotes; an empty range right after `=` (or the name) when the value is missing. */
  valueRange: Range;
  /** Name through closing quote. */
  range: Range;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  nameRange: Range;
  attributes: XmlAttribute[];
  children: XmlNode[];
  /** `<name ...>` or `<name .../>`. */
  startTagRange: Range;
  /** Start tag through end tag (or to where the reader gave up on the element). */
  range: Range;
  /** False when the element was never closed properly (EOF, mismatched end tag). */
  closed: boolean;
}

export interface XmlText {
  kind: 'text';
  /** Entity-decoded text. */
  text: string;
  /** The text as written (entities not decoded), for exact ranges. */
  raw: string;
  range: Range;
}

export interface XmlComment { kind: 'comment'; text: string; range: Range }
export interface XmlCData { kind: 'cdata'; text: string; range: Range }
export interface XmlProcessingInstruction { kind: 'pi'; target: string; data: string; range: Range }

export type XmlNode = XmlElement | XmlText | XmlComment | XmlCData | XmlProcessingInstruction;

export interface XmlDocument {
  /** The first top-level element. */
  root?: XmlElement;
  /** Everything at top level, in order. */
  children: XmlNode[];
  /** MS908 findings: where the reader stopped understanding the text. */
  diagnostics: Finding[];
}

const predefinedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

// Character classes by code unit: these run on every character of a document, where a RegExp
// test per character costs more than the rest of the reader.
function isNameStartCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c > 0x7f;
}

function isNameCode(c: number): boolean {
  return isNameStartCode(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

function isNameStart(ch: string): boolean {
  return ch.length > 0 && isNameStartCode(ch.charCodeAt(0));
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/*
 * Nodes keep offsets and build their Range objects on first use (then keep them, so a range read
 * twice is the same object). A 20 000-line domain has tens of thousands of attributes and text
 * nodes, and the mapping reads the ranges of few of them; building them all eagerly made the
 * reader's garbage the largest cost of analysing such a file.
 */

class LazyAttribute implements XmlAttribute {
  private nameRangeCache?: Range;
  private valueRangeCache?: Range;
  private rangeCache?: Range;

  constructor(
    private readonly lines: DocumentText,
    readonly name: string,
    readonly value: string,
    private readonly nameStart: number,
    private readonly nameEnd: number,
    private readonly valueStart: number,
    private readonly valueEnd: number,
    private readonly end: number,
  ) {}

  get nameRange(): Range {
    return (this.nameRangeCache ??= this.lines.rangeOf(this.nameStart, this.nameEnd));
  }

  get valueRange(): Range {
    return (this.valueRangeCache ??= this.lines.rangeOf(this.valueStart, this.valueEnd));
  }

  get range(): Range {
    return (this.rangeCache ??= this.lines.rangeOf(this.nameStart, this.end));
  }
}

class LazyElement implements XmlElement {
  readonly kind = 'element';
  readonly children: XmlNode[] = [];
  closed = false;
  /** Offset where the element ends (end of its end tag, or where the reader gave up on it). */
  end: number;
  private nameRangeCache?: Range;
  private startTagRangeCache?: Range;
  private rangeCache?: Range;
  private rangeCacheEnd = -1;

  constructor(
    private readonly lines: DocumentText,
    readonly name: string,
    readonly attributes: XmlAttribute[],
    readonly start: number,
    private readonly nameEnd: number,
    private readonly tagEnd: number,
  ) {
    this.end = tagEnd;
  }

  get nameRange(): Range {
    return (this.nameRangeCache ??= this.lines.rangeOf(this.start + 1, this.nameEnd));
  }

  get startTagRange(): Range {
    return (this.startTagRangeCache ??= this.lines.rangeOf(this.start, this.tagEnd));
  }

  /** Until the end tag is read this is the start tag's range, as the eager reader gave. */
  get range(): Range {
    if (this.end === this.tagEnd) return this.startTagRange;
    if (this.rangeCacheEnd !== this.end) {
      this.rangeCache = this.lines.rangeOf(this.start, this.end);
      this.rangeCacheEnd = this.end;
    }
    return this.rangeCache as Range;
  }
}

/** Most text between tags is indentation that nobody reads: its strings are sliced when asked. */
class LazyText implements XmlText {
  readonly kind = 'text';
  private rangeCache?: Range;

  /** `decoded` is given only when the text has references (decoding reports its problems while reading). */
  constructor(
    private readonly lines: DocumentText, private readonly start: number, private readonly end: number,
    private readonly decoded?: string) {}

  get raw(): string {
    return this.lines.text.slice(this.start, this.end);
  }

  get text(): string {
    return this.decoded ?? this.raw;
  }

  get range(): Range {
    return (this.rangeCache ??= this.lines.rangeOf(this.start, this.end));
  }
}

class Reader {
  private pos = 0;
  private readonly lines: DocumentText;
  private readonly top: XmlNode[] = [];
  private readonly stack: LazyElement[] = [];
  private readonly diagnostics: Finding[] = [];
  /** Set by readAttribute: the value ran into a '<', so the start tag ends there. */
  private stopTag = false;

  private readonly text: string;

  constructor(source: string | DocumentText) {
    this.lines = DocumentText.of(source);
    this.text = this.lines.text;
  }

  read(): XmlDocument {
    const text = this.text;
    while (this.pos < text.length) {
      const before = this.pos;
      if (text[this.pos] === '<') this.readMarkup();
      else this.readText();
      // Defensive: every branch consumes at least one character; never spin.
      if (this.pos <= before) this.pos = before + 1;
    }
    this.closeAllAtEof();
    const root = this.top.find((node): node is XmlElement => node.kind === 'element');
    if (!root && this.diagnostics.length === 0) {
      this.problem(text.length, text.length, 'the document has no root element');
    }
    return { root, children: this.top, diagnostics: this.diagnostics };
  }

  private problem(start: number, end: number, message: string): void {
    const code = frontendCodes.xmlSyntax;
    this.diagnostics.push({ code: code.code, severity: code.defaultSeverity, message, range: this.lines.rangeOf(start, end) });
  }

  private append(node: XmlNode): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent) {
      parent.children.push(node);
      return;
    }
    if (node.kind === 'element' && this.top.some((n) => n.kind === 'element')) {
      this.problem(this.offsetOf(node.nameRange.start), this.offsetOf(node.nameRange.end), `only one root element is allowed; <${node.name}> is outside <${this.firstRootName()}>`);
    }
    this.top.push(node);
  }

  private firstRootName(): string {
    const root = this.top.find((n): n is XmlElement => n.kind === 'element');
    return root ? root.name : '';
  }

  /** Recomputing offsets from positions is only needed for rare problems, so it may be slow. */
  private offsetOf(position: Position): number {
    let line = 0;
    let offset = 0;
    while (line < position.line && offset < this.text.length) {
      const ch = this.text[offset];
      offset++;
      if (ch === '\n' || (ch === '\r' && this.text[offset] !== '\n')) line++;
    }
    return offset + position.character;
  }

  private readText(): void {
    const start = this.pos;
    let end = this.text.indexOf('<', start);
    if (end < 0) end = this.text.length;
    this.pos = end;
    if (this.stack.length > 0) {
      let hasReference = false;
      for (let i = start; i < end && !hasReference; i++) hasReference = this.text.charCodeAt(i) === 38; // '&'
      this.append(new LazyText(this.lines, start, end, hasReference ? this.decode(this.text.slice(start, end), start) : undefined));
      return;
    }
    // Outside the root element only blanks are allowed.
    const raw = this.text.slice(start, end);
    const decoded = this.decode(raw, start);
    if (decoded.trim() !== '') {
      const lead = raw.length - raw.trimStart().length;
      this.problem(start + lead, end - (raw.length - raw.trimEnd().length), 'text outside the root element');
    }
  }

  /** Decodes entity and character references; `base` is the offset of `raw` for problem ranges. */
  private decode(raw: string, base: number): string {
    if (!raw.includes('&')) return raw;
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) { out += raw.slice(i); break; }
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      const body = semi > amp ? raw.slice(amp + 1, semi) : '';
      let replacement: string | undefined;
      if (semi > amp && /^[A-Za-z]+$/.test(body)) replacement = predefinedEntities[body];
      else if (/^#[0-9]+$/.test(body)) replacement = codePoint(parseInt(body.slice(1), 10));
      else if (/^#x[0-9A-Fa-f]+$/.test(body)) replacement = codePoint(parseInt(body.slice(2), 16));
      if (replacement === undefined) {
        const shown = semi > amp && semi - amp < 40 ? raw.slice(amp, semi + 1) : '&';
        this.problem(base + amp, base + amp + shown.length, `'${shown}' is not a known entity or character reference (write &amp; for a literal '&')`);
        out += '&';
        i = amp + 1;
        continue;
      }
      out += replacement;
      i = semi + 1;
    }
    return out;
  }

  private readMarkup(): void {
    const text = this.text;
    const start = this.pos;
    if (text.startsWith('<!--', start)) return this.readDelimited(start, 4, '-->', 'comment');
    if (text.startsWith('<![CDATA[', start)) return this.readDelimited(start, 9, ']]>', 'cdata');
    if (text.startsWith('<?', start)) return this.readDelimited(start, 2, '?>', 'pi');
    if (text.startsWith('<!', start)) return this.readDeclaration(start);
    if (text[start + 1] === '/') return this.readEndTag(start);
    if (start + 1 < text.length && isNameStartCode(text.charCodeAt(start + 1))) return this.readStartTag(start);
    this.problem(start, start + 1, "'<' must start a tag (write &lt; for a literal '<')");
    this.pos = start + 1;
  }

  private readDelimited(start: number, openLength: number, close: string, kind: 'comment' | 'cdata' | 'pi'): void {
    const closeAt = this.text.indexOf(close, start + openLength);
    const names = { comment: 'comment', cdata: 'CDATA section', pi: 'processing instruction' };
    let end: number;
    let body: string;
    if (closeAt < 0) {
      this.problem(start, this.text.length, `${names[kind]} is not closed with '${close}'`);
      body = this.text.slice(start + openLength);
      end = this.text.length;
    } else {
      body = this.text.slice(start + openLength, closeAt);
      end = closeAt + close.length;
    }
    this.pos = end;
    const range = this.lines.rangeOf(start, end);
    if (kind === 'pi') {
      // Target, blanks, then the data: read apart without a regex that could backtrack over the blanks.
      const target = /^\S*/.exec(body)?.[0] ?? '';
      const data = body.slice(target.length).replace(/^\s+/, '');
      this.append({ kind: 'pi', target, data, range });
    } else if (kind === 'cdata') {
      if (this.stack.length === 0) this.problem(start, end, 'CDATA outside the root element');
      else this.append({ kind: 'cdata', text: body, range });
    } else {
      this.append({ kind: 'comment', text: body, range });
    }
  }

  /** `<!DOCTYPE ...>` with an optional internal subset: skipped whole, not interpreted. */
  private readDeclaration(start: number): void {
    let depth = 0;
    let i = start + 2;
    for (; i < this.text.length; i++) {
      const ch = this.text[i];
      if (ch === '[') depth++;
      else if (ch === ']') depth = Math.max(0, depth - 1);
      else if (ch === '>' && depth === 0) break;
    }
    if (i >= this.text.length) {
      this.problem(start, this.text.length, "declaration is not closed with '>'");
      this.pos = this.text.length;
      return;
    }
    this.pos = i + 1;
  }

  private readName(from: number): number {
    let i = from;
    const text = this.text;
    while (i < text.length && isNameCode(text.charCodeAt(i))) i++;
    return i;
  }

  private skipSpace(from: number): number {
    let i = from;
    const text = this.text;
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(i)) i++;
    return i;
  }

  private readStartTag(start: number): void {
    const text = this.text;
    const nameStart = start + 1;
    const nameEnd = this.readName(nameStart);
    const name = text.slice(nameStart, nameEnd);
    // The element keeps an exact copy: an array grown by push keeps room for 17 entries, most
    // tags have one or two attributes, and the element outlives the young generation.
    const attributes: XmlAttribute[] = [];
    let i = nameEnd;
    let selfClosing = false;
    let tagEnd = -1;
    while (i < text.length) {
      i = this.skipSpace(i);
      if (i >= text.length) break;
      const ch = text[i];
      if (ch === '>') { tagEnd = i + 1; break; }
      if (ch === '/' && text[i + 1] === '>') { selfClosing = true; tagEnd = i + 2; break; }
      if (ch === '<') {
        // The user is still typing this tag; end it here and let the next tag be read.
        this.problem(start, i, `start tag <${name}> is not closed with '>'`);
        tagEnd = i;
        break;
      }
      if (isNameStart(ch)) {
        i = this.readAttribute(i, name, attributes);
        if (this.stopTag) {
          tagEnd = i;
          break;
        }
        continue;
      }
      this.problem(i, i + 1, `unexpected '${ch}' in start tag <${name}>`);
      i++;
    }
    if (tagEnd < 0) {
      this.problem(start, text.length, `start tag <${name}> is not closed (end of document)`);
      tagEnd = text.length;
    }
    this.pos = tagEnd;
    const element = new LazyElement(this.lines, name, attributes.length === 0 ? attributes : attributes.slice(), start, nameEnd, tagEnd);
    this.append(element);
    if (selfClosing) element.closed = true;
    else this.stack.push(element);
  }

  /**
   * Reads `name="value"` into `attributes` and returns where reading goes on. Sets `stopTag` when
   * a '<' inside the value shows the tag was never finished. (No closures or result objects here:
   * this runs for every attribute of the document.)
   */
  private readAttribute(from: number, elementName: string, attributes: XmlAttribute[]): number {
    const text = this.text;
    this.stopTag = false;
    const nameEnd = this.readName(from);
    const name = text.slice(from, nameEnd);
    const duplicate = attributes.some((a) => a.name === name);
    if (duplicate) this.problem(from, nameEnd, `attribute '${name}' is given twice on <${elementName}>`);
    let i = this.skipSpace(nameEnd);
    if (text[i] !== '=') return this.valueMissing(attributes, name, from, nameEnd, nameEnd, elementName);
    i = this.skipSpace(i + 1);
    const quote = text[i];
    if (quote !== '"' && quote !== "'") {
      // Unquoted value: take it up to space or tag end so the rest of the tag still reads.
      let end = i;
      while (end < text.length && !isSpace(text[end]) && text[end] !== '>' && text[end] !== '<' && !(text[end] === '/' && text[end + 1] === '>')) end++;
      if (end === i) return this.valueMissing(attributes, name, from, nameEnd, i, elementName);
      this.problem(i, end, `the value of attribute '${name}' must be quoted`);
      attributes.push(new LazyAttribute(this.lines, name, this.decode(text.slice(i, end), i), from, nameEnd, i, end, end));
      return end;
    }
    const valueStart = i + 1;
    const closeAt = text.indexOf(quote, valueStart);
    const lt = text.indexOf('<', valueStart);
    if (closeAt < 0 || (lt >= 0 && lt < closeAt)) {
      // A value cannot contain '<': the quote was never closed. Stop the value at the end of its
      // line (or at the '<') so what follows is read as markup again.
      let end = lt >= 0 && (closeAt < 0 || lt < closeAt) ? lt : text.length;
      const newline = text.slice(valueStart, end).search(/[\r\n]/);
      if (newline >= 0) end = valueStart + newline;
      this.problem(i, end, `the value of attribute '${name}' is not closed with ${quote}`);
      attributes.push(
        new LazyAttribute(this.lines, name, this.decode(text.slice(valueStart, end), valueStart), from, nameEnd, valueStart, end, end));
      this.stopTag = true;
      return lt >= 0 && (closeAt < 0 || lt < closeAt) ? lt : text.length;
    }
    attributes.push(new LazyAttribute(
      this.lines, name, this.decode(text.slice(valueStart, closeAt), valueStart), from, nameEnd, valueStart, closeAt, closeAt + 1));
    return closeAt + 1;
  }

  /** An attribute without a value: reported, and kept with an empty value at `at`. */
  private valueMissing(attributes: XmlAttribute[], name: string, from: number, nameEnd: number, at: number, elementName: string): number {
    this.problem(from, at, `attribute '${name}' on <${elementName}> has no value`);
    attributes.push(new LazyAttribute(this.lines, name, '', from, nameEnd, at, at, at));
    return at;
  }

  private readEndTag(start: number): void {
    const text = this.text;
    const nameStart = start + 2;
    const nameEnd = this.readName(nameStart);
    const name = text.slice(nameStart, nameEnd);
    const i = this.skipSpace(nameEnd);
    let end: number;
    if (text[i] === '>') end = i + 1;
    else {
      this.problem(start, i, name ? `end tag </${name}> is not closed with '>'` : "'</' must be followed by an element name");
      end = i;
      if (end <= start) end = start + 2;
    }
    this.pos = Math.max(end, start + 2);
    if (!name) return;
    const index = findLastIndex(this.stack, (open) => open.name === name);
    if (index < 0) {
      this.problem(start, this.pos, `end tag </${name}> has no matching start tag`);
      return;
    }
    // Elements opened after the matching one were never closed: close them here.
    for (let k = this.stack.length - 1; k > index; k--) {
      const open = this.stack[k];
      this.problem(open.start + 1, open.start + 1 + open.name.length, `<${open.name}> is not closed before </${name}>`);
      open.end = start;
    }
    const matched = this.stack[index];
    matched.end = this.pos;
    matched.closed = true;
    this.stack.length = index;
  }

  private closeAllAtEof(): void {
    if (this.stack.length === 0) return;
    const innermost = this.stack[this.stack.length - 1];
    const outer = this.stack.slice(0, -1).reverse().map((open) => `<${open.name}>`);
    const also = outer.length ? ` (also open: ${outer.join(', ')})` : '';
    const end = this.text.length;
    this.diagnostics.push({
      code: frontendCodes.xmlSyntax.code,
      severity: frontendCodes.xmlSyntax.defaultSeverity,
      message: `<${innermost.name}> is not closed: the document ends first${also}`,
      range: innermost.nameRange,
    });
    for (const open of this.stack) open.end = end;
    this.stack.length = 0;
  }
}

function codePoint(value: number): string | undefined {
  if (!Number.isFinite(value) || value <= 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
  return String.fromCodePoint(value);
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}

/** Reads `text` as XML. Never throws; problems come back as MS908 findings. */
export function readXml(source: string | DocumentText): XmlDocument {
  try {
    return new Reader(source).read();
  } catch (error) {
    // The reader is written not to throw; this is the last line of defence for the server.
    const message = error instanceof Error ? error.message : String(error);
    return {
      children: [],
      diagnostics: [{ code: frontendCodes.xmlSyntax.code, severity: 'error', message: `internal XML reader error: ${message}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
    };
  }
}

// Small helpers the mapping uses to walk the tree.

export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => c.kind === 'element' && (name === undefined || c.name === name));
}

export function firstChild(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const c of element.children) if (c.kind === 'element' && c.name === name) return c;
  return undefined;
}

/** Follows a path of child names, first match at each step. */
export function descend(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = element;
  for (const name of names) current = firstChild(current, name);
  return current;
}

export function attribute(element: XmlElement | undefined, name: string): XmlAttribute | undefined {
  return element?.attributes.find((a) => a.name === name);
}

/** Concatenated text and CDATA content, trimmed, with the range of the trimmed text. */
export function textContent(element: XmlElement): { text: string; range: Range } | undefined {
  const parts = element.children.filter((c): c is XmlText | XmlCData => c.kind === 'text' || c.kind === 'cdata');
  const text = parts.map((p) => p.text).join('').trim();
  if (text === '') return undefined;
  const rawOf = (p: XmlText | XmlCData): string => (p.kind === 'text' ? p.raw : p.text);
  const nonBlank = parts.filter((p) => rawOf(p).trim() !== '');
  const first = nonBlank[0];
  const last = nonBlank[nonBlank.length - 1];
  const firstRaw = rawOf(first);
  const lastRaw = rawOf(last);
  // CDATA ranges include the '<![CDATA[' ... ']]>' markers; point at the whole section then.
  const start = first.kind === 'text' ? advance(first.range.start, firstRaw.slice(0, firstRaw.length - firstRaw.trimStart().length)) : first.range.start;
  const end = last.kind === 'text' ? advance(last.range.start, lastRaw.trimEnd()) : last.range.end;
  return { text, range: { start, end } };
}

function advance(position: Position, text: string): Position {
  let { line, character } = position;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      line++;
      character = 0;
    } else if (ch !== '\r') {
      character++;
    }
  }
  return { line, character };
}
