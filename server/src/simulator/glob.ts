/**
 * Shell-style globs for vhost-user socket paths: `*` matches within one path component, `**`
 * across components, `?` one character, `[abc]` a class. No braces: socket names rarely need them.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') {
      source += '[^/]';
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        source += '\\[';
      } else {
        const body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        source += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
        i = close;
      }
    } else {
      source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

const compiled = new Map<string, RegExp>();

export function globMatches(pattern: string, text: string): boolean {
  let regexp = compiled.get(pattern);
  if (!regexp) {
    regexp = globToRegExp(pattern);
    // Patterns come from a handful of settings; the bound only guards against pathological callers.
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, regexp);
  }
  return regexp.test(text);
}
