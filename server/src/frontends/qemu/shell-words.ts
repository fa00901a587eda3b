import type { Finding } from '../../model/findings';
import { frontendCodes } from '../../model/codes';
import { DocumentText } from '../../model/document-text';

/**
 * Splits a shell script into simple commands and words the way bash does, keeping for every
 * character of every word the source offsets it came from, so that any piece of a word (a value
 * inside `-device ...,memdev=m0`) maps back to exact document text through quotes, escapes,
 * continuations and variable expansions.
 */

/** An expansion we could not resolve (unknown variable, command substitution...); kept as written. */
export interface UnresolvedExpansion {
  /** As written, e.g. `$HOME`, `${MEM}`, `$(nproc)`. */
  text: string;
  name?: string;
  /** Character indices of the expansion in the word's text. */
  from: number;
  to: number;
  sourceStart: number;
  sourceEnd: number;
}

export interface ShellWord {
  text: string;
  /**
   * Character i of `text` came from source offsets [starts[i], ends[i]). Built on first use from
   * the word's source map; `sourceStartAt`/`sourceEndAt` answer the same without building them.
   */
  readonly starts: number[];
  readonly ends: number[];
  sourceStartAt(index: number): number;
  sourceEndAt(index: number): number;
  /** Source offsets of the whole word, quotes included. */
  start: number;
  end: number;
  unresolved: UnresolvedExpansion[];
  /** The source began with an unquoted `NAME=` or `NAME+=` (an assignment before a command word). */
  assignment: boolean;
  /** A quote in this word was never closed; the word ends at the end of that line. */
  unterminated?: boolean;
}

export interface SimpleCommand {
  words: ShellWord[];
  start: number;
  end: number;
  /** Written inside the body of this shell function (the definition, not a call). */
  inFunction?: string;
  /** Produced by a call of this function, with the call's arguments as `$@`. */
  calledFunction?: string;
}

export interface ShellScript {
  commands: SimpleCommand[];
  findings: Finding[];
  /** Functions the script calls: their bodies were read again at each call. */
  calledFunctions: ReadonlySet<string>;
}

const assignmentPattern = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;
/** Values set from a script's options: the default written before them is what runs without options. */
const optionValueNames = /^(OPTARG|[1-9][0-9]*|@|\*)$/;
/** At most this many nested function calls are followed. */
const maxCallDepth = 8;
const declarationBuiltins = new Set(['export', 'readonly', 'declare', 'typeset', 'local']);

/**
 * Where each character of a word came from, as runs rather than two numbers per character (which
 * made the offsets most of the tokenizer's allocation): character k of a run that begins at word
 * index `from` came from source offsets [start + step·(k − from), that + width). Plain text is
 * one run (step 1, width 1), an expanded variable's value one run over the whole expansion
 * (step 0), consecutive escapes `\x\y` one run of width 2.
 */
class SourceMap {
  /** from, start, step, width of each run, flat; runs are in word order and never empty. */
  private readonly runs: number[] = [];

  /** Maps `count` characters from word index `index` on; the first came from [start, start + width). */
  map(index: number, count: number, start: number, step: number, width: number): void {
    const runs = this.runs;
    const last = runs.length - 4;
    if (last >= 0 && runs[last + 3] === width) {
      const chars = index - runs[last];
      // A one-character run takes the step of its second character.
      if (chars === 1 && (count === 1 || step === start - runs[last + 1])) runs[last + 2] = start - runs[last + 1];
      if (runs[last + 1] + runs[last + 2] * chars === start && (count === 1 || runs[last + 2] === step)) return;
    }
    runs.push(index, start, step, width);
  }

  /** Forgets the characters from word index `length` on. */
  truncate(length: number): void {
    let keep = this.runs.length;
    while (keep > 0 && this.runs[keep - 4] >= length) keep -= 4;
    this.runs.length = keep;
  }

  startAt(index: number): number {
    const run = this.runAt(index);
    return this.runs[run + 1] + this.runs[run + 2] * (index - this.runs[run]);
  }

  endAt(index: number): number {
    return this.startAt(index) + this.runs[this.runAt(index) + 3];
  }

  /** Offset in `runs` of the run holding word index `index` (binary search: a word may have many). */
  private runAt(index: number): number {
    let low = 0;
    let high = this.runs.length / 4 - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.runs[mid * 4] <= index) low = mid;
      else high = mid - 1;
    }
    return low * 4;
  }
}

class Word implements ShellWord {
  private startsCache?: number[];
  private endsCache?: number[];
  unterminated?: boolean;

  constructor(
    readonly text: string,
    private readonly sourceMap: SourceMap,
    readonly start: number,
    readonly end: number,
    readonly unresolved: UnresolvedExpansion[],
    readonly assignment: boolean,
  ) {}

  sourceStartAt(index: number): number {
    return this.sourceMap.startAt(index);
  }

  sourceEndAt(index: number): number {
    return this.sourceMap.endAt(index);
  }

  get starts(): number[] {
    return (this.startsCache ??= Array.from({ length: this.text.length }, (_, i) => this.sourceMap.startAt(i)));
  }

  get ends(): number[] {
    return (this.endsCache ??= Array.from({ length: this.text.length }, (_, i) => this.sourceMap.endAt(i)));
  }
}

class WordBuilder {
  text = '';
  readonly sourceMap = new SourceMap();
  unresolved: UnresolvedExpansion[] = [];
  quoted = false;
  unterminated = false;
  /** Began with a word copied from elsewhere (an array element, a function argument): it ends where that text ends. */
  copied = false;

  constructor(public start: number, readonly assignment: boolean) {}

  /** Appends another word's characters with their own source offsets and unresolved expansions. */
  addWord(word: ShellWord): void {
    const offset = this.text.length;
    for (let i = 0; i < word.text.length; i++) this.add(word.text[i], word.sourceStartAt(i), word.sourceEndAt(i));
    for (const expansion of word.unresolved) this.unresolved.push(
      { ...expansion, from: expansion.from + offset, to: expansion.to + offset });
    if (word.text.length === 0) this.quoted = true;
  }

  add(ch: string, start: number, end: number): void {
    this.sourceMap.map(this.text.length, 1, start, 1, end - start);
    this.text += ch;
  }

  /**
   * Source characters [start, end) taken as they are, each from its own offset. One concatenation
   * for the run instead of one per character: per-character `+=` builds a rope that costs its
   * length again (and the garbage) when the word is first read.
   */
  addSource(source: string, start: number, end: number): void {
    if (end <= start) return;
    this.sourceMap.map(this.text.length, end - start, start, 1, 1);
    this.text += source.slice(start, end);
  }

  /** Restores an earlier length (used to recover from an unterminated quote). */
  truncate(length: number, unresolvedCount: number): void {
    this.text = this.text.slice(0, length);
    this.sourceMap.truncate(length);
    this.unresolved.length = unresolvedCount;
  }

  get hasContent(): boolean {
    return this.text.length > 0 || this.quoted;
  }
}

type PendingRedirect = { kind: 'file' } | { kind: 'heredoc'; stripTabs: boolean };

/** What a script and the function calls read from it share. */
interface ShellState {
  env: Map<string, string>;
  /** Where a variable's value was written: the assignment word and the value's first character in it. */
  valueSources: Map<string, { word: ShellWord; offset: number }>;
  arrays: Map<string, ShellWord[]>;
  functions: Map<string, { bodyStart: number; bodyEnd: number }>;
  calledFunctions: Set<string>;
  /** Variables whose value was a QEMU command line hidden by an expansion, and what hid it. */
  hiddenCommands: Map<string, string>;
  /** Characters left to read again for function calls; keeps a script of many calls linear. */
  budget: number;
}

interface ArrayAssignment {
  name: string;
  append: boolean;
  start: number;
  outer: ShellWord[];
}

class Tokenizer {
  private readonly commands: SimpleCommand[] = [];
  private readonly findings: Finding[] = [];
  private current: ShellWord[] = [];
  private builder: WordBuilder | null = null;
  private redirect: PendingRedirect | null = null;
  private heredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  /** The current line was reached through a backslash-newline continuation. */
  private continued = false;
  private array: ArrayAssignment | null = null;
  /** Function bodies being read (innermost last), so their commands are marked as such. */
  private bodies: Array<{ name: string; end: number }> = [];
  private readonly env: Map<string, string>;

  constructor(
    private readonly text: string,
    private readonly lines: DocumentText,
    private readonly state: ShellState,
    /** Reads [pos, limit): a whole script, or one function body for a call. */
    private pos = 0,
    private readonly limit = text.length,
    /** `$1`…, `$@` of a function call; undefined at the top level (the script's own arguments are unknown). */
    private positional: ShellWord[] | undefined = undefined,
    private readonly depth = 0,
    private readonly calledFunction: string | undefined = undefined,
  ) {
    this.env = state.env;
  }

  run(): ShellScript {
    const text = this.text;
    while (this.pos < this.limit) {
      const c = text[this.pos];
      if (c === '\\' && this.newlineLengthAt(this.pos + 1) > 0) {
        this.pos += 1 + this.newlineLengthAt(this.pos + 1);
        this.continued = true;
        continue;
      }
      if (this.builder !== null) {
        if (c === '(' && this.startsArray(this.builder)) continue;
        if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || isOperatorChar(c)) {
          if ((c === '<' || c === '>') && this.isFdPrefix(this.builder)) this.builder = null;
          else this.finishWord(this.pos);
          continue;
        }
      } else {
        if (c === ' ' || c === '\t' || c === '\r') { this.pos++; continue; }
        if (c === '\n') {
          // Newlines separate the elements of an array assignment, not commands.
          if (this.array === null) this.endCommand();
          this.pos++;
          this.continued = false;
          this.readHeredocs();
          continue;
        }
        if (c === '#') { this.skipComment(); continue; }
        if (c === '{' && this.array === null && this.current.length === 2 && this.current[0].text === 'function' && this.defineFunction()) continue;
        if (isOperatorChar(c)) { this.readOperator(); continue; }
        this.builder = new WordBuilder(this.pos, assignmentPattern.test(text.slice(this.pos, this.pos + 256)));
      }
      this.readWordPart();
    }
    this.finishWord(this.pos);
    if (this.array !== null) {
      this.error('unterminated array assignment: no closing )', this.array.start, this.lines.lineEndAt(this.array.start));
      this.current = this.array.outer;
      this.array = null;
    }
    this.endCommand();
    return { commands: this.commands, findings: this.findings, calledFunctions: this.state.calledFunctions };
  }

  /** `NAME=(` or `NAME+=(`: the words up to `)` are the array's elements. */
  private startsArray(builder: WordBuilder): boolean {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=$/.exec(builder.text);
    if (!builder.assignment || builder.quoted || builder.unresolved.length > 0 || match === null || this.array !== null) return false;
    this.builder = null;
    this.array = { name: match[1], append: match[2] === '+', start: builder.start, outer: this.current };
    this.current = [];
    this.pos++;
    return true;
  }

  private endArray(): void {
    const array = this.array!;
    this.finishWord(this.pos);
    const elements = this.current;
    this.current = array.outer;
    this.array = null;
    const existing = array.append ? this.state.arrays.get(array.name) : undefined;
    // Appending in place keeps a script of many `args+=(...)` linear.
    if (existing) for (const element of elements) existing.push(element);
    else this.state.arrays.set(array.name, elements);
    this.env.delete(array.name);
  }

  private newlineLengthAt(offset: number): number {
    if (this.text[offset] === '\n') return 1;
    if (this.text[offset] === '\r' && this.text[offset + 1] === '\n') return 2;
    return 0;
  }

  private isFdPrefix(builder: WordBuilder): boolean {
    return /^\d+$/.test(builder.text) && !builder.quoted && this.text.slice(builder.start, this.pos) === builder.text;
  }

  private error(message: string, start: number, end: number): void {
    const { code, defaultSeverity: severity } = frontendCodes.syntax;
    this.findings.push({ code, severity, message, range: this.lines.rangeOf(start, end) });
  }

  private finishWord(end: number): void {
    const builder = this.builder;
    this.builder = null;
    if (builder === null || !builder.hasContent) return;
    const wordEnd = builder.copied && builder.text.length > 0 ? builder.sourceMap.endAt(builder.text.length - 1) : end;
    const word = new Word(
      builder.text, builder.sourceMap, builder.start, Math.max(wordEnd, builder.start), builder.unresolved, builder.assignment);
    if (builder.unterminated) word.unterminated = true;
    const redirect = this.redirect;
    this.redirect = null;
    if (redirect === null) this.current.push(word);
    else if (redirect.kind === 'heredoc') this.heredocs.push({ delimiter: word.text, stripTabs: redirect.stripTabs });
  }

  private endCommand(): void {
    this.finishWord(this.pos);
    this.redirect = null;
    const words = this.current;
    this.current = [];
    if (words.length === 0) return;
    // Words spliced from an array or a call's arguments come from elsewhere in the file.
    let start = words[0].start;
    let end = words[words.length - 1].end;
    for (const word of words) {
      start = Math.min(start, word.start);
      end = Math.max(end, word.end);
    }
    const command: SimpleCommand = { words, start, end };
    while (this.bodies.length > 0 && this.bodies[this.bodies.length - 1].end <= words[0].start) this.bodies.pop();
    if (this.bodies.length > 0) command.inFunction = this.bodies[this.bodies.length - 1].name;
    if (this.calledFunction !== undefined) command.calledFunction = this.calledFunction;
    this.commands.push(command);
    this.applyAssignments(words);
    this.reportHiddenCommand(words);
    this.callFunction(words);
  }

  /** A command run from a variable whose value (a QEMU command line) an expansion hides. */
  private reportHiddenCommand(words: ShellWord[]): void {
    const head = words.find((word) => !word.assignment);
    const expansion = head?.unresolved[0];
    if (!head || !expansion || expansion.from !== 0 || expansion.name === undefined) return;
    const hiddenBy = this.state.hiddenCommands.get(expansion.name);
    if (hiddenBy === undefined) return;
    const { code, defaultSeverity: severity } = frontendCodes.unresolvedExpansion;
    this.findings.push({
      code, severity, range: this.lines.rangeOf(expansion.sourceStart, expansion.sourceEnd),
      message: `${expansion.text} runs a QEMU command line that ${hiddenBy} hides; memslot does not analyse it`,
      data: { hidden: `${expansion.text} hides a QEMU command line` },
    });
  }

  /** `name args...` of a function defined earlier: its body is read again with `$@` = args. */
  private callFunction(words: ShellWord[]): void {
    const head = words.find((word) => !word.assignment);
    if (!head || head.unresolved.length > 0) return;
    const body = this.state.functions.get(head.text);
    if (body === undefined || this.depth >= maxCallDepth) return;
    const length = body.bodyEnd - body.bodyStart;
    if (length > this.state.budget) return;
    this.state.budget -= length;
    this.state.calledFunctions.add(head.text);
    const args = words.slice(words.indexOf(head) + 1);
    const call = new Tokenizer(this.text, this.lines, this.state, body.bodyStart, body.bodyEnd, args, this.depth + 1, head.text);
    // The body's own syntax problems were reported where it was defined.
    const commands = call.run().commands;
    // A call written in another function's body belongs to that body.
    const enclosing = this.bodies[this.bodies.length - 1]?.name;
    if (enclosing !== undefined) for (const command of commands) command.inFunction ??= enclosing;
    this.commands.push(...commands);
  }

  /** Plain `VAR=value` commands and `export VAR=value` set variables for the rest of the script. */
  private applyAssignments(words: ShellWord[]): void {
    const first = words.findIndex((word) => !word.assignment);
    if (first < 0) {
      for (const word of words) this.assign(word);
      return;
    }
    const command = words[first].text;
    if (declarationBuiltins.has(command)) {
      for (const word of words.slice(first + 1)) if (word.assignment) this.assign(word);
    } else if (command === 'unset') {
      for (const word of words.slice(first + 1)) {
        this.env.delete(word.text);
        this.state.arrays.delete(word.text);
      }
    } else if (command === 'shift' && this.positional !== undefined) {
      this.positional = this.positional.slice(Number(words[first + 1]?.text ?? 1) || 1);
    }
  }

  private assign(word: ShellWord): void {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(word.text);
    if (!match) return;
    const name = match[1];
    const value = word.text.slice(match[0].length);
    this.state.valueSources.delete(name);
    if (word.unresolved.length > 0) {
      // `MEM=$OPTARG`, `MEM=$2`: overridden from an option; without options the default written before runs.
      if (this.env.has(name) && word.unresolved.every((expansion) => optionValueNames.test(expansion.name ?? ''))) return;
      // A value built from something we could not resolve is itself unknown.
      this.env.delete(name);
      if (/(^|[\s/])(qemu-system-[A-Za-z0-9_]+|qemu-kvm|kvm)(\s|$)/.test(value)) {
        this.state.hiddenCommands.set(name, word.unresolved.map((expansion) => expansion.text).join(', '));
      }
      return;
    }
    this.state.hiddenCommands.delete(name);
    if (!match[2]) this.state.valueSources.set(name, { word, offset: match[0].length });
    this.env.set(name, match[2] ? (this.env.get(name) ?? '') + value : value);
  }

  private readOperator(): void {
    const text = this.text;
    const rest = text.slice(this.pos, this.pos + 3);
    const redirect = /^(<<-|<<<|<<|<>|<&|>>|>&|>\||&>>|&>|<|>)/.exec(rest);
    if (redirect) {
      const op = redirect[1];
      this.pos += op.length;
      this.redirect = op === '<<' || op === '<<-' ? { kind: 'heredoc', stripTabs: op === '<<-' } : { kind: 'file' };
      return;
    }
    if (this.array !== null) {
      // Inside `NAME=( ... )` only the closing parenthesis means something.
      if (text[this.pos] === ')') this.endArray();
      this.pos++;
      return;
    }
    if (text[this.pos] === '(' && this.defineFunction()) return;
    const separator = /^(;;|&&|\|\||\|&|[;&|()])/.exec(rest);
    this.pos += separator ? separator[1].length : 1;
    this.endCommand();
  }

  /**
   * `name() { ... }` or `function name() { ... }`: remembers where the body is, then reads it as
   * usual (its commands are marked as the definition's); each call reads it again with the call's
   * arguments.
   */
  private defineFunction(): boolean {
    this.finishWord(this.pos);
    const words = this.current;
    const nameWord = words.length === 1 ? words[0] : words.length === 2 && words[0].text === 'function' ? words[1] : undefined;
    if (nameWord === undefined || nameWord.assignment || !/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(nameWord.text) || nameWord.unresolved.length > 0) return false;
    const header = /^(?:\([ \t]*\))?[ \t\r\n]*\{(?=[ \t\r\n])/.exec(this.text.slice(this.pos, this.pos + 4096));
    if (header === null) return false;
    const open = this.pos + header[0].length - 1;
    const close = findClosingBrace(this.text, open + 1, this.limit);
    if (close < 0) return false;
    this.current = [];
    this.state.functions.set(nameWord.text, { bodyStart: open + 1, bodyEnd: close });
    this.bodies.push({ name: nameWord.text, end: close });
    this.pos = open + 1;
    return true;
  }

  /** Here-document bodies follow the line that opened them; they are data, not commands. */
  private readHeredocs(): void {
    const pending = this.heredocs;
    this.heredocs = [];
    for (const { delimiter, stripTabs } of pending) {
      while (this.pos < this.text.length) {
        const newline = this.text.indexOf('\n', this.pos);
        const lineEnd = newline < 0 ? this.text.length : newline;
        let line = this.text.slice(this.pos, lineEnd).replace(/\r$/, '');
        if (stripTabs) line = line.replace(/^\t+/, '');
        this.pos = newline < 0 ? this.text.length : newline + 1;
        if (line === delimiter) break;
      }
    }
  }

  /**
   * A comment. Users put whole-line comments between the continued lines of one qemu invocation;
   * bash ends the command there, but they mean to keep going, so when the next non-comment line
   * looks like more options (starts with `-`) we skip the comment and continue the command.
   */
  private skipComment(): void {
    const text = this.text;
    const lineStart = text.lastIndexOf('\n', this.pos - 1) + 1;
    const wholeLine = /^[ \t]*$/.test(text.slice(lineStart, this.pos));
    if (!(this.continued && wholeLine && this.current.length > 0)) {
      this.pos = this.lines.lineEndAt(this.pos);
      return;
    }
    let commentStart = this.pos;
    for (;;) {
      const commentEnd = this.lines.lineEndAt(commentStart);
      const endsWithBackslash = /\\\s*$/.test(text.slice(commentStart, commentEnd));
      const newline = text.indexOf('\n', commentStart);
      if (newline < 0) { this.pos = text.length; return; }
      const nextLineStart = newline + 1;
      const firstNonBlank = skipBlanks(text, nextLineStart);
      const next = text[firstNonBlank];
      if (next === '#') { commentStart = firstNonBlank; continue; }
      const nextIsBlank = next === undefined || next === '\n' || next === '\r';
      if (next === '-' || (endsWithBackslash && !nextIsBlank)) {
        this.pos = firstNonBlank;
        return;
      }
      this.pos = commentEnd;
      return;
    }
  }

  private readWordPart(): void {
    const builder = this.builder!;
    const text = this.text;
    const c = text[this.pos];
    if (c === "'") {
      builder.quoted = true;
      const close = text.indexOf("'", this.pos + 1);
      if (close < 0) { this.unterminated("'", builder); return; }
      builder.addSource(text, this.pos + 1, close);
      this.pos = close + 1;
    } else if (c === '"') {
      this.readDoubleQuoted(builder);
    } else if (c === '\\') {
      if (this.pos + 1 < text.length) {
        builder.add(text[this.pos + 1], this.pos, this.pos + 2);
        this.pos += 2;
      } else {
        builder.add('\\', this.pos, this.pos + 1);
        this.pos++;
      }
    } else if (c === '$') {
      this.readDollar(builder, false);
    } else if (c === '`') {
      this.readBacktick(builder);
    } else {
      // A run of ordinary characters: up to anything the loop in run() or this method treats specially.
      let end = this.pos + 1;
      while (end < text.length && !isWordSpecial(text.charCodeAt(end))) end++;
      builder.addSource(text, this.pos, end);
      this.pos = end;
    }
  }

  /** Bash would read on to the end of the file; we stop at the end of the line to keep the rest. */
  private unterminated(quote: string, builder: WordBuilder, snapshot?: { length: number; unresolved: number }): void {
    const quoteAt = this.pos;
    const lineEnd = this.lines.lineEndAt(quoteAt);
    this.error(`unterminated ${quote === "'" ? 'single' : 'double'} quote`, quoteAt, lineEnd);
    if (snapshot) builder.truncate(snapshot.length, snapshot.unresolved);
    for (let i = quoteAt + 1; i < lineEnd; i++) builder.add(this.text[i], i, i + 1);
    builder.unterminated = true;
    this.pos = lineEnd;
  }

  private readDoubleQuoted(builder: WordBuilder): void {
    const text = this.text;
    builder.quoted = true;
    const snapshot = { length: builder.text.length, unresolved: builder.unresolved.length };
    const open = this.pos;
    this.pos++;
    while (this.pos < text.length) {
      const ch = text[this.pos];
      if (ch === '"') { this.pos++; return; }
      if (ch === '\\') {
        const newline = this.newlineLengthAt(this.pos + 1);
        const next = text[this.pos + 1];
        if (newline > 0) this.pos += 1 + newline;
        else if (next !== undefined && '$`"\\'.includes(next)) { builder.add(next, this.pos, this.pos + 2); this.pos += 2; }
        else { builder.add('\\', this.pos, this.pos + 1); this.pos++; }
      } else if (ch === '$') {
        this.readDollar(builder, true);
      } else if (ch === '`') {
        this.readBacktick(builder);
      } else {
        builder.add(ch, this.pos, this.pos + 1);
        this.pos++;
      }
    }
    this.pos = open;
    this.unterminated('"', builder, snapshot);
  }

  private readBacktick(builder: WordBuilder): void {
    const start = this.pos;
    let i = start + 1;
    while (i < this.text.length && this.text[i] !== '`') i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.text.length) {
      this.error('unterminated command substitution (`)', start, this.lines.lineEndAt(start));
      this.addUnresolved(builder, start, this.lines.lineEndAt(start), undefined);
      return;
    }
    this.addUnresolved(builder, start, i + 1, undefined);
  }

  private readDollar(builder: WordBuilder, inDoubleQuotes: boolean): void {
    const text = this.text;
    const start = this.pos;
    const next = text[start + 1];
    if (next === '{') {
      const close = findClosing(text, start + 2, '{', '}');
      if (close < 0) {
        this.error('unterminated ${...} expansion', start, this.lines.lineEndAt(start));
        this.addUnresolved(builder, start, this.lines.lineEndAt(start), undefined);
        return;
      }
      this.expandBraced(builder, start, close + 1, text.slice(start + 2, close), inDoubleQuotes);
    } else if (next === '(') {
      const close = findClosing(text, start + 2, '(', ')');
      if (close < 0) {
        this.error('unterminated $(...) substitution', start, this.lines.lineEndAt(start));
        this.addUnresolved(builder, start, this.lines.lineEndAt(start), undefined);
        return;
      }
      this.addUnresolved(builder, start, close + 1, undefined);
    } else if (next === "'" && !inDoubleQuotes) {
      this.readAnsiC(builder);
    } else if (next === '"' && !inDoubleQuotes) {
      this.pos++;
      this.readDoubleQuoted(builder);
    } else if (next !== undefined && /[A-Za-z_]/.test(next)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(start + 1, start + 257))![0];
      const end = start + 1 + name.length;
      const value = this.env.get(name);
      if (value === undefined) this.addUnresolved(builder, start, end, name);
      else this.insertValue(builder, value, start, end, inDoubleQuotes, this.state.valueSources.get(name));
    } else if (next !== undefined && /[1-9@*#]/.test(next) && this.positional !== undefined) {
      this.expandPositional(builder, next, start + 2, inDoubleQuotes);
    } else if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.addUnresolved(builder, start, start + 2, next);
    } else {
      builder.add('$', start, start + 1);
      this.pos = start + 1;
    }
  }

  /** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:=default}`; anything else is unresolved. */
  private expandBraced(builder: WordBuilder, start: number, end: number, inner: string, inDoubleQuotes: boolean): void {
    const element = /^([A-Za-z_][A-Za-z0-9_]*)\[([@*]|[0-9]+)\]$/.exec(inner);
    const array = element ? this.state.arrays.get(element[1]) : undefined;
    if (element && array) {
      this.pos = end;
      if (/^[0-9]+$/.test(element[2])) {
        const item = array[Number(element[2])];
        if (item !== undefined) builder.addWord(item);
      } else if (!this.splice(builder, array, element[2] === '*' && inDoubleQuotes)) {
        this.addUnresolved(builder, start, end, element[1]);
      }
      return;
    }
    if ((inner === '@' || inner === '*' || /^[1-9][0-9]*$/.test(inner)) && this.positional !== undefined) {
      this.expandPositional(builder, inner, end, inDoubleQuotes);
      return;
    }
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([\s\S]*))?$/.exec(inner);
    if (!match) {
      const name = /[A-Za-z_][A-Za-z0-9_]*/.exec(inner)?.[0];
      this.addUnresolved(builder, start, end, name);
      return;
    }
    const [, name, operator, fallback] = match;
    let value = this.env.get(name);
    if (operator !== undefined && (value === undefined || (operator.startsWith(':') && value === ''))) {
      const resolved = this.evaluateSimple(fallback ?? '');
      if (resolved !== undefined && operator.endsWith('=')) this.env.set(name, resolved);
      value = resolved;
    }
    if (value === undefined) this.addUnresolved(builder, start, end, name);
    else this.insertValue(
      builder, value, start, end, inDoubleQuotes, operator === undefined ? this.state.valueSources.get(name) : undefined);
  }

  /** `$@`, `$*`, `$#`, `$1`… inside a function call: the call's own argument words. */
  private expandPositional(builder: WordBuilder, which: string, end: number, inDoubleQuotes: boolean): void {
    const args = this.positional ?? [];
    this.pos = end;
    if (which === '#') {
      for (const ch of String(args.length)) builder.add(ch, end - 2, end);
    } else if (which === '@' || which === '*') {
      if (!this.splice(builder, args, which === '*' && inDoubleQuotes)) this.addUnresolved(builder, end - 2, end, which);
    } else {
      const arg = args[Number(which) - 1];
      if (arg !== undefined) builder.addWord(arg);
    }
  }

  /**
   * `"${a[@]}"` / `"$@"`: one word per element, each keeping the source offsets where it was written;
   * text before joins the first, text after the last. `joined` (`"$*"`) makes one word.
   */
  private splice(builder: WordBuilder, words: ShellWord[], joined: boolean): boolean {
    if (words.length === 0) {
      // An empty `"$@"` is no word at all, unless other text is in it.
      if (builder.text.length === 0) builder.quoted = false;
      return true;
    }
    // An array that doubles itself on every line would grow exponentially: past the budget it is unknown.
    let size = 0;
    for (const word of words) size += word.text.length + 1;
    if (size > this.state.budget) return false;
    this.state.budget -= size;
    builder.copied = true;
    builder.addWord(words[0]);
    for (let i = 1; i < words.length; i++) {
      if (joined) {
        builder.add(' ', words[i].start, words[i].start);
        builder.addWord(words[i]);
        continue;
      }
      this.builder = builder;
      this.finishWord(this.pos);
      builder = new WordBuilder(words[i].start, false);
      builder.copied = true;
      builder.addWord(words[i]);
    }
    this.builder = builder;
    return true;
  }

  /** A default word inside `${X:-...}`: quotes removed and plain `$NAME`s substituted, else unknown. */
  private evaluateSimple(word: string): string | undefined {
    let unknown = false;
    const substituted = word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_all, braced: string | undefined, plain: string | undefined) => {
      const value = this.env.get((braced ?? plain)!);
      if (value === undefined) unknown = true;
      return value ?? '';
    });
    if (unknown || /[$`]/.test(substituted)) return undefined;
    return substituted.replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1');
  }

  private readAnsiC(builder: WordBuilder): void {
    const text = this.text;
    const start = this.pos;
    builder.quoted = true;
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
    let i = start + 2;
    while (i < text.length && text[i] !== "'") {
      if (text[i] === '\\' && i + 1 < text.length) {
        const mapped = escapes[text[i + 1]];
        if (mapped !== undefined) builder.add(mapped, i, i + 2);
        else { builder.add('\\', i, i + 1); builder.add(text[i + 1], i + 1, i + 2); }
        i += 2;
      } else {
        builder.add(text[i], i, i + 1);
        i++;
      }
    }
    if (i >= text.length) {
      this.pos = start + 1;
      this.unterminated("'", builder);
      return;
    }
    this.pos = i + 1;
  }

  private addUnresolved(builder: WordBuilder, start: number, end: number, name: string | undefined): void {
    const from = builder.text.length;
    for (let i = start; i < end; i++) builder.add(this.text[i], i, i + 1);
    const expansion: UnresolvedExpansion = {
      text: this.text.slice(start, end), from, to: builder.text.length, sourceStart: start, sourceEnd: end };
    if (name !== undefined) expansion.name = name;
    builder.unresolved.push(expansion);
    this.pos = end;
  }

  /**
   * Unquoted expansions outside assignments are split into words on blanks, as bash's IFS does.
   * Each character maps to where the value was written when that is known (`CMD="qemu ... -m 4G"`
   * then `$CMD`: `-m 4G` points into the assignment), else to the expansion.
   */
  private insertValue(
    builder: WordBuilder, value: string, start: number, end: number, quoted: boolean, source?: { word: ShellWord; offset: number }): void {
    this.pos = end;
    // Only a piece of command line (a value of several words) maps into its assignment; a single
    // value stays on the expansion at the place it is used.
    const splits = (!quoted || builder.assignment) && /[ \t\n]/.test(value);
    const written = splits && source !== undefined && source.word.text.length - source.offset === value.length ? source : undefined;
    const from = (i: number): number => (written ? written.word.sourceStartAt(written.offset + i) : start);
    const to = (i: number): number => (written ? written.word.sourceEndAt(written.offset + i) : end);
    if (quoted || builder.assignment) {
      for (let i = 0; i < value.length; i++) builder.add(value[i], from(i), to(i));
      return;
    }
    let current = builder;
    for (let i = 0; i < value.length; i++) {
      const ch = value[i];
      if (ch === ' ' || ch === '\t' || ch === '\n') {
        if (current.hasContent) {
          this.builder = current;
          this.finishWord(end);
        }
        current = new WordBuilder(start, false);
        this.builder = current;
        continue;
      }
      if (written && current !== builder && current.text.length === 0) {
        // A word of its own, all of it written in the assignment: it starts and ends there.
        current.start = from(i);
        current.copied = true;
      }
      current.add(ch, from(i), to(i));
    }
    this.builder = current;
  }
}

/**
 * Characters that end a run of plain word characters: blanks and newlines, operators, quotes,
 * backslash, `$` and backquote (`#` only starts a comment between words, so it is plain here).
 */
function isWordSpecial(c: number): boolean {
  switch (c) {
    case 32: case 9: case 13: case 10: // blanks, newline
    case 59: case 38: case 124: case 40: case 41: case 60: case 62: // ; & | ( ) < >
    case 39: case 34: case 92: case 36: case 96: // ' " \ $ `
      return true;
    default:
      return false;
  }
}

function isOperatorChar(c: string): boolean {
  return c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
}

function skipBlanks(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

/**
 * Index of the `}` closing a function body opened just before `from` (before `limit`), skipping
 * quoted text, comments and `${...}`; -1 if none. A `}` closes only where a command may start.
 */
function findClosingBrace(text: string, from: number, limit: number): number {
  let depth = 1;
  let wordStart = true;
  for (let i = from; i < limit; i++) {
    const ch = text[i];
    if (ch === '\\') { i++; wordStart = false; continue; }
    if (ch === '#' && wordStart) {
      const newline = text.indexOf('\n', i);
      if (newline < 0 || newline >= limit) return -1;
      i = newline;
      continue;
    }
    if (ch === "'" || ch === '"' || (ch === '$' && text[i + 1] === '{')) {
      const end = ch === '$' ? findClosing(text, i + 2, '{', '}') : ch === "'" ? text.indexOf("'", i + 1) : closingDoubleQuote(text, i + 1);
      if (end < 0 || end >= limit) return -1;
      i = end;
      wordStart = false;
      continue;
    }
    if ((ch === '{' || ch === '}') && wordStart && /[\s;&|]/.test(text[i + 1] ?? ' ')) {
      depth += ch === '{' ? 1 : -1;
      if (depth === 0) return i;
    }
    wordStart = /[\s;&|()]/.test(ch);
  }
  return -1;
}

function closingDoubleQuote(text: string, from: number): number {
  let end = from;
  while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
  return end < text.length ? end : -1;
}

/** Index of the bracket closing one opened just before `from`, skipping quoted text; -1 if none. */
function findClosing(text: string, from: number, open: string, close: string): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') { i++; continue; }
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    if (ch === '"') {
      const end = closingDoubleQuote(text, i + 1);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    if (ch === open) depth++;
    else if (ch === close && --depth === 0) return i;
  }
  return -1;
}

/**
 * Tokenizes a whole script. `variables` seeds the expansion environment (and receives the script's
 * assignments). Never throws.
 */
export function splitShell(
  text: string, lines: DocumentText = new DocumentText(text), variables: Map<string, string> = new Map()): ShellScript {
  const state: ShellState = {
    env: variables, valueSources: new Map(), arrays: new Map(), functions: new Map(), calledFunctions: new Set(),
    hiddenCommands: new Map(), budget: 4 * text.length + 65536,
  };
  return new Tokenizer(text, lines, state).run();
}

/** Document range of characters [from, to) of a word; an empty slice is a point. */
export function wordSliceOffsets(word: ShellWord, from: number, to: number): { start: number; end: number } {
  const length = word.text.length;
  if (length === 0) return { start: word.start, end: word.end };
  const f = Math.max(0, Math.min(from, length));
  const t = Math.max(f, Math.min(to, length));
  if (t > f) return { start: word.sourceStartAt(f), end: word.sourceEndAt(t - 1) };
  const point = f < length ? word.sourceStartAt(f) : word.sourceEndAt(length - 1);
  return { start: point, end: point };
}

/** The unresolved expansions overlapping characters [from, to) of a word. */
export function unresolvedIn(word: ShellWord, from: number, to: number): UnresolvedExpansion[] {
  return word.unresolved.filter((expansion) => expansion.from < Math.max(to, from + 1) && expansion.to > from);
}
