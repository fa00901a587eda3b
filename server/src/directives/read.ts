import type { DocumentKind } from '../model/document-text';
import type { Finding, Fix } from '../model/findings';
import type { Range } from '../model/range';
import { parseProfileOptions } from '../simulator';
import { DocumentText } from '../model/document-text';
import { codeEntry, directiveCodes } from '../model/codes';

/**
 * `memslot:` directives in comments: `# memslot: ...` in scripts and argument files,
 * `<!-- memslot: ... -->` in domain XML. A directive either sets the host profile with the CLI's
 * own options (`--vhost-user /run/vfsd.sock=32 --qemu 9.2`; the dashes may be left out, and must
 * be in XML, where `--` is not allowed inside a comment) or suppresses a rule for named devices:
 * `disable MS001 for fs0` (several codes and ids may be listed, separated by commas or blanks;
 * `for *` means every finding of those codes in the file).
 */

export interface DirectiveWord {
  text: string;
  range: Range;
}

/** One profile option of a directive (`--qemu 9.2`), in the CLI's spelling, with its words. */
export interface ProfileArgument {
  args: string[];
  words: DirectiveWord[];
  /** The directive as written, for hovers ("set by the file directive ... on line N"). */
  origin: string;
}

export interface Suppression {
  codes: DirectiveWord[];
  /** Device, netdev, backend or chardev ids (libvirt aliases too); `*` for all. */
  ids: DirectiveWord[];
  /** The whole directive comment. */
  range: Range;
}

export interface DirectiveRead {
  /** Profile options in file order; later ones win. */
  profileArgs: ProfileArgument[];
  suppressions: Suppression[];
  /** Problems in the directives themselves (MS100), each on the bad word. */
  findings: Finding[];
}

/** The profile options the reader accepts, with and without their leading dashes. */
export const directiveProfileFlags = [
  'qemu', 'qemu-flavor', 'kvm-memslots', 'smm', 'vhost-max-mem-regions', 'vhost-user', 'vhost-user-unknown', 'host-cpu-vendor', 'host-phys-bits',
] as const;

interface DirectiveComment {
  bodyStart: number;
  body: string;
  range: Range;
}

function findDirectiveComments(document: DocumentText, kind: DocumentKind): DirectiveComment[] {
  if (kind === 'libvirt-xml') return findXmlDirectiveComments(document);
  const found: DirectiveComment[] = [];
  const { text } = document;
  const pattern = /(?:^|\n)[ \t]*(#[ \t]*memslot:)([^\r\n]*)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const bodyStart = match.index + match[0].length - match[2].length;
    found.push({ bodyStart, body: match[2], range: document.rangeOf(bodyStart - match[1].length, bodyStart + match[2].length) });
  }
  return found;
}

/**
 * XML comments, each found by searching for its end once: a lazy `<!--…-->` regex restarted at
 * every `<!--` took quadratic time on a file with many unclosed comments.
 */
function findXmlDirectiveComments(document: DocumentText): DirectiveComment[] {
  const found: DirectiveComment[] = [];
  const { text } = document;
  for (let open = text.indexOf('<!--'); open >= 0; open = text.indexOf('<!--', open + 4)) {
    const close = text.indexOf('-->', open + 4);
    // No comment after this one can be closed either.
    if (close < 0) break;
    const prefix = /^\s*memslot:/.exec(text.slice(open + 4, Math.min(close, open + 4 + 256)));
    if (prefix) {
      const bodyStart = open + 4 + prefix[0].length;
      found.push({ bodyStart, body: text.slice(bodyStart, close), range: document.rangeOf(open, close + 3) });
    }
    open = close - 1;
  }
  return found;
}

/** Splits a directive body into words; "..." and '...' quote a word with blanks. */
function splitWords(document: DocumentText, body: string, bodyStart: number): DirectiveWord[] {
  const words: DirectiveWord[] = [];
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i])) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    while (i < body.length && !/\s/.test(body[i])) {
      const c = body[i];
      if (c === '"' || c === "'") {
        const close = body.indexOf(c, i + 1);
        const end = close < 0 ? body.length : close;
        text += body.slice(i + 1, end).replace(c === '"' ? /\\(["\\])/g : /$^/g, '$1');
        i = close < 0 ? body.length : close + 1;
      } else {
        text += c;
        i++;
      }
    }
    words.push({ text, range: document.rangeOf(bodyStart + start, bodyStart + i) });
  }
  return words;
}

function problem(message: string, range: Range, fixes?: Fix[]): Finding {
  const meta = directiveCodes.invalidDirective;
  const result: Finding = { code: meta.code, severity: meta.defaultSeverity, message, range };
  if (fixes) result.fixes = fixes;
  return result;
}

const flagList = directiveProfileFlags.map((f) => `--${f}`).join(', ');

export function readDirectives(source: string | DocumentText, kind: DocumentKind): DirectiveRead {
  const document = DocumentText.of(source);
  const read: DirectiveRead = { profileArgs: [], suppressions: [], findings: [] };
  for (const comment of findDirectiveComments(document, kind)) {
    const words = splitWords(document, comment.body, comment.bodyStart);
    if (words.length === 0) {
      read.findings.push(problem(`empty memslot directive: give profile options (${flagList}) or 'disable <code> for <id>'`, comment.range));
    } else if (words[0].text === 'disable') {
      readSuppression(words, comment, read);
    } else {
      readProfileOptions(words, comment, kind, document, read);
    }
  }
  return read;
}

function readSuppression(words: DirectiveWord[], comment: DirectiveComment, read: DirectiveRead): void {
  const forIndex = words.findIndex((w) => w.text === 'for');
  const codeWords = splitCommas(words.slice(1, forIndex < 0 ? words.length : forIndex));
  const idWords = forIndex < 0 ? [] : splitCommas(words.slice(forIndex + 1));
  if (codeWords.length === 0) {
    read.findings.push(problem("name the rule to disable: 'disable MS001 for <id>'", words[0].range));
    return;
  }
  let valid = true;
  for (const word of codeWords) {
    if (!codeEntry(word.text.toUpperCase())) {
      read.findings.push(problem(`'${word.text}' is not a memslot code (codes look like MS001; see docs/rules/)`, word.range));
      valid = false;
    }
  }
  if (forIndex < 0) {
    read.findings.push(problem(`say which device the suppression is for: 'disable ${codeWords[0].text} for <id>' (or 'for *' for every finding of it in this file)`, words[words.length - 1].range));
    return;
  }
  if (idWords.length === 0) {
    read.findings.push(problem("name a device, netdev or backend id after 'for' (or '*')", words[forIndex].range));
    return;
  }
  if (!valid) return;
  read.suppressions.push({ codes: codeWords.map((w) => ({ ...w, text: w.text.toUpperCase() })), ids: idWords, range: comment.range });
}

/** `MS001,MS004` is two codes; the ranges stay on each part. */
function splitCommas(words: DirectiveWord[]): DirectiveWord[] {
  const parts: DirectiveWord[] = [];
  for (const word of words) {
    let offset = 0;
    for (const piece of word.text.split(',')) {
      if (piece !== '' && word.range.start.line === word.range.end.line) {
        const start = { line: word.range.start.line, character: word.range.start.character + offset };
        parts.push({ text: piece, range: { start, end: { line: start.line, character: start.character + piece.length } } });
      } else if (piece !== '') parts.push({ text: piece, range: word.range });
      offset += piece.length + 1;
    }
  }
  return parts;
}

function readProfileOptions(
  words: DirectiveWord[], comment: DirectiveComment, kind: DocumentKind, document: DocumentText, read: DirectiveRead): void {
  const line = comment.range.start.line + 1;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const dashed = word.text.startsWith('--');
    const name = word.text.replace(/^--/, '').split('=')[0];
    if (!(directiveProfileFlags as readonly string[]).includes(name)) {
      read.findings.push(problem(
        `'${word.text}' is not a memslot directive option (use ${flagList}, or 'disable <code> for <id>')`, word.range));
      continue;
    }
    if (dashed && kind === 'libvirt-xml') {
      const dashes = { start: word.range.start, end: { line: word.range.start.line, character: word.range.start.character + 2 } };
      read.findings.push(problem(
        `XML does not allow '--' inside a comment: libvirt refuses the document ("Double hyphen within comment"). Write '${word.text.slice(2)}' without the dashes`,
        word.range, [{ title: `Write '${word.text.slice(2)}' without the dashes`, edits: [{ range: dashes, newText: '' }], isPreferred: true, fixAll: true }]));
    }
    const flag = `--${word.text.replace(/^--/, '')}`;
    const group: DirectiveWord[] = [word];
    let args = [flag];
    if (!flag.includes('=')) {
      const value = words[i + 1];
      if (value === undefined) {
        read.findings.push(problem(`${flag.split('=')[0]} needs a value`, word.range));
        continue;
      }
      group.push(value);
      args = [flag, value.text];
      i++;
    }
    const parsed = parseProfileOptions(args);
    if (parsed.errors.length > 0 || parsed.rest.length > 0) {
      const bad = group[group.length - 1];
      read.findings.push(problem(parsed.errors.join('; ') || `'${bad.text}' is not understood`, bad.range));
      continue;
    }
    const written = document.text.slice(document.offsetAt(group[0].range.start), document.offsetAt(group[group.length - 1].range.end));
    read.profileArgs.push({ args, words: group, origin: `file directive '${written}' on line ${line}` });
  }
}
