/**
 * Shell-style globs for vhost-user socket paths: `*` matches within one path component, `**`
 * across components, `?` one character (not `/`), `[abc]`, `[a-z]` and `[!abc]` a class, `\x` the
 * character x. No braces: socket names rarely need them.
 *
 * Matched by a set-of-states walk over the pattern (one pass over the text, each step touching
 * each pattern token at most once), not by a regular expression: a pattern comes from a file
 * anyone can put in a workspace, and a backtracking engine takes exponential time on `*a*a*a*…b`.
 * Cost: O(text length × pattern tokens), with both bounded below.
 */

/** PATH_MAX: no socket path is longer, so a longer pattern is a mistake, and it bounds the work. */
export const maxGlobLength = 4096;

type GlobToken =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'class'; negated: boolean; ranges: Array<[number, number]> }
  | { kind: 'star' }
  | { kind: 'globstar' };

export type GlobCompile = { ok: true; tokens: GlobToken[] } | { ok: false; message: string; offset: number };

/** Reads a pattern into tokens, or says what is wrong with it and where (an offset into the pattern). */
export function compileGlob(pattern: string): GlobCompile {
  if (pattern.length > maxGlobLength) {
    return { ok: false, message: `the glob is ${pattern.length} characters long, more than any socket path (${maxGlobLength})`, offset: maxGlobLength };
  }
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') {
      const globstar = pattern[i + 1] === '*';
      if (globstar) while (pattern[i + 1] === '*') i++;
      const last = tokens[tokens.length - 1];
      // `*` next to `**` adds nothing but states.
      if (last?.kind === 'globstar') continue;
      if (last?.kind === 'star') {
        if (globstar) tokens[tokens.length - 1] = { kind: 'globstar' };
        continue;
      }
      tokens.push({ kind: globstar ? 'globstar' : 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
    } else if (c === '\\') {
      if (i + 1 >= pattern.length) return { ok: false, message: "the glob ends with '\\', which escapes nothing", offset: i };
      tokens.push({ kind: 'char', char: pattern.charAt(++i) });
    } else if (c === '[') {
      const read = readClass(pattern, i);
      if (!read.ok) return read;
      tokens.push(read.token);
      i = read.end;
    } else {
      tokens.push({ kind: 'char', char: c });
    }
  }
  return { ok: true, tokens };
}

type ClassRead = { ok: true; token: GlobToken; end: number } | { ok: false; message: string; offset: number };

function readClass(pattern: string, open: number): ClassRead {
  let i = open + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const ranges: Array<[number, number]> = [];
  // A `]` first in the class is a member, as in the shell.
  let first = true;
  for (; i < pattern.length; i++) {
    let c = pattern.charAt(i);
    if (c === ']' && !first) return { ok: true, token: { kind: 'class', negated, ranges }, end: i };
    first = false;
    if (c === '\\' && i + 1 < pattern.length) c = pattern.charAt(++i);
    let high = c;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      high = pattern[i + 2] === '\\' && i + 3 < pattern.length ? pattern.charAt(i + 3) : pattern.charAt(i + 2);
      const rangeStart = i;
      i += pattern[i + 2] === '\\' ? 3 : 2;
      if (high.charCodeAt(0) < c.charCodeAt(0)) {
        return { ok: false, message: `the class range '${c}-${high}' in the glob runs backwards`, offset: rangeStart };
      }
    }
    ranges.push([c.charCodeAt(0), high.charCodeAt(0)]);
  }
  return { ok: false, message: "the glob's '[' has no closing ']' (write '\\[' for a literal '[')", offset: open };
}

/** Why a pattern cannot be used, or undefined when it can. */
export function globProblem(pattern: string): string | undefined {
  const compiled = compileGlob(pattern);
  return compiled.ok ? undefined : compiled.message;
}

function matchesOne(token: GlobToken, c: string): boolean {
  switch (token.kind) {
    case 'char': return token.char === c;
    case 'any': return c !== '/';
    case 'class': {
      if (c === '/') return false;
      const code = c.charCodeAt(0);
      const inside = token.ranges.some(([low, high]) => code >= low && code <= high);
      return inside !== token.negated;
    }
    default: return false;
  }
}

/** True when the whole text matches the tokens (a simulation of the pattern's automaton). */
function run(tokens: GlobToken[], text: string): boolean {
  const count = tokens.length;
  let current = new Uint8Array(count + 1);
  let next = new Uint8Array(count + 1);
  const close = (states: Uint8Array): void => {
    // A star may match nothing: reaching it reaches what follows it.
    for (let i = 0; i < count; i++) {
      const kind = tokens[i]?.kind;
      if (states[i] && (kind === 'star' || kind === 'globstar')) states[i + 1] = 1;
    }
  };
  current[0] = 1;
  close(current);
  for (let at = 0; at < text.length; at++) {
    const c = text.charAt(at);
    next.fill(0);
    let alive = false;
    for (let i = 0; i < count; i++) {
      if (!current[i]) continue;
      const token = tokens[i];
      if (token === undefined) continue;
      if (token.kind === 'globstar' || (token.kind === 'star' && c !== '/')) {
        next[i] = 1;
        alive = true;
      } else if (matchesOne(token, c)) {
        next[i + 1] = 1;
        alive = true;
      }
    }
    if (!alive) return false;
    close(next);
    [current, next] = [next, current];
  }
  return current[count] === 1;
}

const compiledCache = new Map<string, GlobToken[] | null>();

/** Whether `text` matches `pattern`; a malformed pattern matches nothing (its source reports it). */
export function globMatches(pattern: string, text: string): boolean {
  let tokens = compiledCache.get(pattern);
  if (tokens === undefined) {
    const compiled = compileGlob(pattern);
    tokens = compiled.ok ? compiled.tokens : null;
    // Patterns come from a handful of settings; the bound only guards against pathological callers.
    if (compiledCache.size > 1000) compiledCache.clear();
    compiledCache.set(pattern, tokens);
  }
  return tokens !== null && run(tokens, text);
}
