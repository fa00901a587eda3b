/**
 * A checker for regular expressions that can take super-linear time in a backtracking engine
 * (V8's irregexp): a quantified part that may repeat without bound and holds another such part
 * (`(a+)+`, `(\w+\s?)*`: nested, when one repetition can end where the next begins), two such parts in a row that can both consume the same
 * character with nothing in between that only one of them can consume (`\s*\s*`, `a*\w+`:
 * adjacent), or an unbounded repetition of alternatives that can start with the same character
 * (`(a|ab)*`). Written for the project's own test (no package in node_modules does it); it parses
 * JavaScript regex syntax and reasons over sets of characters.
 */

type CharSet = Array<[number, number]>;

type Node =
  | { type: 'chars'; set: CharSet }
  | { type: 'group'; alternatives: Node[][]; lookaround: boolean }
  | { type: 'quant'; min: number; max: number; body: Node }
  | { type: 'empty' };

const MAX = 0x10ffff;
const any: CharSet = [[0, MAX]];

function union(a: CharSet, b: CharSet): CharSet {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: CharSet = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function negate(a: CharSet): CharSet {
  const out: CharSet = [];
  let next = 0;
  for (const [lo, hi] of union(a, [])) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

function overlaps(a: CharSet, b: CharSet): boolean {
  return a.some(([alo, ahi]) => b.some(([blo, bhi]) => alo <= bhi && blo <= ahi));
}

function code(c: string): number {
  return c.codePointAt(0) ?? 0;
}

const digit: CharSet = [[48, 57]];
const word: CharSet = union(union(digit, [[65, 90], [97, 122]]), [[95, 95]]);
const space: CharSet = [
  [9, 13], [32, 32], [160, 160], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
  [0xfeff, 0xfeff]];

class Parser {
  private at = 0;

  constructor(private readonly source: string, private readonly ignoreCase: boolean) {}

  parse(): Node[][] {
    const alternatives = this.alternatives();
    if (this.at < this.source.length) throw new Error(`unexpected '${this.source[this.at]}' at ${this.at}`);
    return alternatives;
  }

  private alternatives(): Node[][] {
    const alternatives: Node[][] = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Node[] {
    const items: Node[] = [];
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const atom = this.atom();
      items.push(this.quantifier(atom));
    }
    return items;
  }

  private quantifier(atom: Node): Node {
    const c = this.source[this.at];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
      if (!match) return atom;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
      this.at += match[0].length - 1;
    } else return atom;
    this.at++;
    if (this.source[this.at] === '?') this.at++;
    return this.quantifier({ type: 'quant', min, max, body: atom });
  }

  private atom(): Node {
    const c = this.source[this.at++];
    switch (c) {
      case '(': {
        let lookaround = false;
        if (this.source.startsWith('?:', this.at)) this.at += 2;
        else if (/^\?<?[=!]/.test(this.source.slice(this.at))) {
          lookaround = true;
          this.at += this.source[this.at + 1] === '<' ? 3 : 2;
        } else if (this.source.startsWith('?<', this.at)) this.at = this.source.indexOf('>', this.at) + 1;
        const alternatives = this.alternatives();
        if (this.source[this.at] !== ')') throw new Error('unclosed group');
        this.at++;
        return { type: 'group', alternatives, lookaround };
      }
      case '[': return { type: 'chars', set: this.fold(this.charClass()) };
      case '.': return { type: 'chars', set: any };
      case '^': case '$': return { type: 'empty' };
      case '\\': return this.escape();
      default: return { type: 'chars', set: this.fold([[code(c), code(c)]]) };
    }
  }

  private escape(): Node {
    const c = this.source[this.at++];
    if (c === 'b' || c === 'B') return { type: 'empty' };
    if (/[1-9]/.test(c)) {
      while (/[0-9]/.test(this.source[this.at] ?? '')) this.at++;
      // A back-reference repeats what a group matched: any character, as far as this check knows.
      return { type: 'chars', set: any };
    }
    if (c === 'k') {
      this.at = this.source.indexOf('>', this.at) + 1;
      return { type: 'chars', set: any };
    }
    return { type: 'chars', set: this.fold(this.escapeSet(c)) };
  }

  private escapeSet(c: string): CharSet {
    switch (c) {
      case 'd': return digit;
      case 'D': return negate(digit);
      case 'w': return word;
      case 'W': return negate(word);
      case 's': return space;
      case 'S': return negate(space);
      case 'n': return [[10, 10]];
      case 'r': return [[13, 13]];
      case 't': return [[9, 9]];
      case 'f': return [[12, 12]];
      case 'v': return [[11, 11]];
      case '0': return [[0, 0]];
      case 'x': {
        const value = parseInt(this.source.slice(this.at, this.at + 2), 16);
        this.at += 2;
        return [[value, value]];
      }
      case 'u': {
        if (this.source[this.at] === '{') {
          const end = this.source.indexOf('}', this.at);
          const value = parseInt(this.source.slice(this.at + 1, end), 16);
          this.at = end + 1;
          return [[value, value]];
        }
        const value = parseInt(this.source.slice(this.at, this.at + 4), 16);
        this.at += 4;
        return [[value, value]];
      }
      case 'p': case 'P': {
        // Unicode property classes: treat as any character (over-approximation).
        this.at = this.source.indexOf('}', this.at) + 1;
        return any;
      }
      default: return [[code(c), code(c)]];
    }
  }

  private charClass(): CharSet {
    let negated = false;
    if (this.source[this.at] === '^') {
      negated = true;
      this.at++;
    }
    let set: CharSet = [];
    let first = true;
    while (this.at < this.source.length && (this.source[this.at] !== ']' || (first && false))) {
      first = false;
      const low = this.classAtom();
      if (this.source[this.at] === '-' && this.source[this.at + 1] !== ']' && low.single !== undefined) {
        this.at++;
        const high = this.classAtom();
        if (high.single !== undefined) {
          set = union(set, [[low.single, high.single]]);
          continue;
        }
        set = union(union(union(set, low.set), [[45, 45]]), high.set);
        continue;
      }
      set = union(set, low.set);
    }
    if (this.source[this.at] !== ']') throw new Error('unclosed class');
    this.at++;
    return negated ? negate(set) : set;
  }

  private classAtom(): { set: CharSet; single?: number } {
    const c = this.source[this.at++];
    if (c !== '\\') return { set: [[code(c), code(c)]], single: code(c) };
    const e = this.source[this.at++];
    if (e === 'b') return { set: [[8, 8]], single: 8 };
    const set = this.escapeSet(e);
    return set.length === 1 && set[0][0] === set[0][1] ? { set, single: set[0][0] } : { set };
  }

  private fold(set: CharSet): CharSet {
    if (!this.ignoreCase) return set;
    let out = set;
    for (const [lo, hi] of set) {
      const upperLo = Math.max(lo, 65);
      const upperHi = Math.min(hi, 90);
      if (upperLo <= upperHi) out = union(out, [[upperLo + 32, upperHi + 32]]);
      const lowerLo = Math.max(lo, 97);
      const lowerHi = Math.min(hi, 122);
      if (lowerLo <= lowerHi) out = union(out, [[lowerLo - 32, lowerHi - 32]]);
    }
    return out;
  }
}

function minLength(node: Node): number {
  switch (node.type) {
    case 'chars': return 1;
    case 'empty': return 0;
    case 'quant': return node.min * minLength(node.body);
    case 'group': return node.lookaround ? 0 : Math.min(...node.alternatives.map((items) => items.reduce((sum, item) => sum + minLength(item), 0)));
  }
}

function consumes(node: Node): CharSet {
  switch (node.type) {
    case 'chars': return node.set;
    case 'empty': return [];
    case 'quant': return node.max === 0 ? [] : consumes(node.body);
    case 'group': return node.lookaround ? [] : node.alternatives.flat().reduce<CharSet>((set, item) => union(set, consumes(item)), []);
  }
}

/** Characters a sequence can start with. */
function firstOf(items: Node[]): CharSet {
  let set: CharSet = [];
  for (const item of items) {
    set = union(set, first(item));
    if (minLength(item) > 0) break;
  }
  return set;
}

function first(node: Node): CharSet {
  switch (node.type) {
    case 'chars': return node.set;
    case 'empty': return [];
    case 'quant': return node.max === 0 ? [] : first(node.body);
    case 'group': return node.lookaround ? [] : node.alternatives.reduce<CharSet>((set, items) => union(set, firstOf(items)), []);
  }
}

/** Characters a node can end with. */
function last(node: Node): CharSet {
  switch (node.type) {
    case 'chars': return node.set;
    case 'empty': return [];
    case 'quant': return node.max === 0 ? [] : last(node.body);
    case 'group': {
      if (node.lookaround) return [];
      let set: CharSet = [];
      for (const items of node.alternatives) {
        for (let i = items.length - 1; i >= 0; i--) {
          set = union(set, last(items[i]));
          if (minLength(items[i]) > 0) break;
        }
      }
      return set;
    }
  }
}

/** Whether the node can repeat something that consumes characters without bound. */
function unbounded(node: Node): boolean {
  switch (node.type) {
    case 'chars': case 'empty': return false;
    case 'quant': return (node.max === Infinity && consumes(node.body).length > 0) || unbounded(node.body);
    case 'group': return !node.lookaround && node.alternatives.some((items) => items.some(unbounded));
  }
}

/** Characters an unbounded repetition at the start of the node (before anything mandatory) can consume. */
function leadingUnbounded(node: Node): CharSet {
  switch (node.type) {
    case 'chars': case 'empty': return [];
    // A repetition can only start with what its body starts with.
    case 'quant': return node.max === Infinity ? first(node.body) : leadingUnbounded(node.body);
    case 'group': {
      if (node.lookaround) return [];
      let set: CharSet = [];
      for (const items of node.alternatives) {
        for (const item of items) {
          set = union(set, leadingUnbounded(item));
          if (minLength(item) > 0) break;
        }
      }
      return set;
    }
  }
}

/** Characters an unbounded repetition at the end of the node (after anything mandatory) can consume. */
function trailingUnbounded(node: Node): CharSet {
  switch (node.type) {
    case 'chars': case 'empty': return [];
    case 'quant': return node.max === Infinity ? last(node.body) : trailingUnbounded(node.body);
    case 'group': {
      if (node.lookaround) return [];
      let set: CharSet = [];
      for (const items of node.alternatives) {
        for (let i = items.length - 1; i >= 0; i--) {
          set = union(set, trailingUnbounded(items[i]));
          if (minLength(items[i]) > 0) break;
        }
      }
      return set;
    }
  }
}

function check(node: Node, problems: string[]): void {
  if (node.type === 'quant') {
    // `(a+)+`, `(\w+\s?)*`: one iteration can end where the next begins, in many ways.
    if (node.max === Infinity && unbounded(node.body) && overlaps(trailingUnbounded(node.body), first(node.body))) {
      problems.push('nested unbounded quantifiers');
    }
    if (node.max === Infinity && node.body.type === 'group' && node.body.alternatives.length > 1) {
      const starts = node.body.alternatives.map(firstOf);
      for (let i = 0; i < starts.length; i++) {
        for (let j = i + 1; j < starts.length; j++) if (overlaps(starts[i], starts[j])) problems.push('repeated alternatives that start alike');
      }
    }
    check(node.body, problems);
  } else if (node.type === 'group') {
    for (const items of node.alternatives) checkSequence(items, problems);
  }
}

function checkSequence(items: Node[], problems: string[]): void {
  for (const item of items) check(item, problems);
  for (let i = 0; i < items.length; i++) {
    const set = trailingUnbounded(items[i]);
    if (set.length === 0) continue;
    for (let j = i + 1; j < items.length; j++) {
      const next = items[j];
      if (overlaps(set, leadingUnbounded(next))) {
        problems.push('adjacent unbounded quantifiers over the same characters');
        break;
      }
      // A mandatory part the first repetition cannot consume ends the ambiguity.
      if (minLength(next) > 0 && !overlaps(set, first(next))) break;
    }
  }
}

/** Problems of one regular expression (empty when it is linear by these rules). */
export function superLinearProblems(source: string, flags = ''): string[] {
  const problems: string[] = [];
  const alternatives = new Parser(source, flags.includes('i')).parse();
  for (const items of alternatives) checkSequence(items, problems);
  return [...new Set(problems)];
}
