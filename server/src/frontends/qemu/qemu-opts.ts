/**
 * QemuOpts / keyval `key=value,...` strings (util/qemu-option.c, util/keyval.c). Positions are
 * character indices into the parsed string, so callers map them through the word to the document.
 */

export interface OptItem {
  key: string;
  keyFrom: number;
  keyTo: number;
  /** With `,,` unescaped to `,`. */
  value: string;
  valueFrom: number;
  valueTo: number;
  /** `implied`: the option's first bare item (`-m 4G`); `flag`: bare `name` (on) or `noname` (off). */
  form: 'implied' | 'pair' | 'flag';
}

export interface OptProblem {
  message: string;
  from: number;
  to: number;
  /** Which frontend code applies: a syntax error (MS901). */
  kind: 'syntax';
}

export interface OptsParse {
  items: OptItem[];
  problems: OptProblem[];
}

export type OptsDialect = 'qemuopts' | 'keyval';

/** Reads a value up to the next single `,`; `,,` stands for a literal comma. */
function readValue(text: string, from: number): { value: string; end: number } {
  // Slices between commas rather than a character at a time: values are most of an option's
  // text, and per-character `+=` left a rope and its garbage for every one of them.
  let value = '';
  let i = from;
  for (;;) {
    let comma = text.indexOf(',', i);
    if (comma < 0) comma = text.length;
    value += text.slice(i, comma);
    if (comma >= text.length || text[comma + 1] !== ',') return { value, end: comma };
    value += ',';
    i = comma + 2;
  }
}

export function parseQemuOpts(text: string, impliedKey: string | undefined, dialect: OptsDialect = 'qemuopts'): OptsParse {
  const items: OptItem[] = [];
  const problems: OptProblem[] = [];
  let p = 0;
  let first = true;
  while (p < text.length) {
    let stop = p;
    while (stop < text.length && text[stop] !== '=' && text[stop] !== ',') stop++;
    if (text[stop] !== '=') {
      if (first && impliedKey !== undefined) {
        const { value, end } = readValue(text, p);
        items.push({ key: impliedKey, keyFrom: p, keyTo: p, value, valueFrom: p, valueTo: end, form: 'implied' });
        p = end + 1;
      } else {
        const name = text.slice(p, stop);
        if (name !== '') {
          if (dialect === 'keyval') {
            problems.push({ kind: 'syntax', message: `Expected '=' after parameter '${name}'`, from: p, to: stop });
          }
          const negated = name.startsWith('no');
          items.push({ key: negated ? name.slice(2) : name, keyFrom: p, keyTo: stop, value: negated ? 'off' : 'on', valueFrom: p, valueTo: stop, form: 'flag' });
        }
        p = stop + 1;
      }
    } else {
      const key = text.slice(p, stop);
      if (key === '') problems.push({ kind: 'syntax', message: "Invalid parameter '' (a parameter name is missing before '=')", from: p, to: stop + 1 });
      const { value, end } = readValue(text, stop + 1);
      items.push({ key, keyFrom: p, keyTo: stop, value, valueFrom: stop + 1, valueTo: end, form: 'pair' });
      p = end + 1;
    }
    first = false;
  }
  return { items, problems };
}
