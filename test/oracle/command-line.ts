/**
 * Splits a command line the way a POSIX shell would for the subset the scenarios use:
 * whitespace separates words, single quotes keep everything literal (JSON options), double quotes
 * keep spaces, a backslash escapes the next character, and backslash-newline continues a line.
 */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      i++;
      if (next === '\n' || next === undefined) continue;
      word += next;
      inWord = true;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote in: ${text}`);
      word += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated double quote in: ${text}`);
      word += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The `id` of an option value, in QemuOpts (`...,id=x,...`) or JSON (`{"id":"x"}`) form. */
export function optionId(value: string): string | undefined {
  if (value.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as Record<string, unknown>;
      return typeof parsed.id === 'string' ? parsed.id : undefined;
    } catch {
      return undefined;
    }
  }
  // QemuOpts: ",," is a literal comma inside a value, so split only on single commas.
  for (const part of value.replace(/,,/g, '\u0000').split(',')) {
    const [key, ...rest] = part.split('=');
    // NUL never occurs in an argument, so it stands in for an escaped comma.
    // eslint-disable-next-line no-control-regex
    if (key === 'id' && rest.length > 0) return rest.join('=').replace(/\u0000/g, ',');
  }
  return undefined;
}
