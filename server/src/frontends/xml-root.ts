/**
 * What an XML document's root element is, found by one forward scan: a byte-order mark, blanks,
 * the XML declaration and other processing instructions, comments and a DOCTYPE are skipped, then
 * the root's name is read. Each construct is skipped by searching for its end once, so the cost is
 * linear in the prolog's length however many comments a licence header has (a regular expression
 * for "comments, then <domain" backtracked exponentially on them). Nothing is resolved: a DOCTYPE's
 * SYSTEM id and internal subset are read past, never followed.
 */

export type XmlRootScan =
  | { kind: 'root'; name: string; offset: number }
  /** The prolog cannot be read past; `reason` says why, at `offset`. */
  | { kind: 'unreadable'; reason: string; offset: number }
  /** Not XML at all (text, or nothing, where the root should start). */
  | { kind: 'none' };

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Ends of an XML name, as the tolerant reader sees it: blanks, `>`, `/`. */
function nameEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (isBlank(code) || code === 62 /* > */ || code === 47 /* / */) break;
    end++;
  }
  return end;
}

export function scanXmlRoot(text: string): XmlRootScan {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < text.length && isBlank(text.charCodeAt(at))) at++;
    if (at >= text.length || text[at] !== '<') return { kind: 'none' };
    if (text.startsWith('<?', at)) {
      const end = text.indexOf('?>', at + 2);
      if (end < 0) return { kind: 'unreadable', reason: `the processing instruction '${text.slice(at, nameEnd(text, at))}' is never closed with '?>'`, offset: at };
      at = end + 2;
    } else if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return { kind: 'unreadable', reason: "a comment before the root element is never closed with '-->'", offset: at };
      at = end + 3;
    } else if (text.startsWith('<!DOCTYPE', at)) {
      const end = doctypeEnd(text, at + 9);
      if (end < 0) return { kind: 'unreadable', reason: "the DOCTYPE is never closed with '>'", offset: at };
      at = end + 1;
    } else {
      const end = nameEnd(text, at + 1);
      if (end === at + 1) return { kind: 'none' };
      return { kind: 'root', name: text.slice(at + 1, end), offset: at };
    }
  }
}

/** The `>` that closes a DOCTYPE, past quoted ids and an internal subset `[...]`; -1 when none. */
function doctypeEnd(text: string, from: number): number {
  let quote = '';
  let subset = false;
  for (let at = from; at < text.length; at++) {
    const c = text[at];
    if (quote) {
      if (c === quote) quote = '';
    } else if (subset && text.startsWith('<!--', at)) {
      // A comment in the internal subset may hold quotes and brackets of its own.
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return -1;
      at = end + 2;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[') {
      subset = true;
    } else if (c === ']') {
      subset = false;
    } else if (c === '>' && !subset) {
      return at;
    }
  }
  return -1;
}

/** Root element is <domain>, after an optional prolog (declaration, comments, PIs, DOCTYPE). */
export function looksLikeDomainXml(text: string): boolean {
  const scan = scanXmlRoot(text);
  return scan.kind === 'root' && scan.name === 'domain';
}
