import type { TextEdit } from './findings';
import type { MachineModel } from './machine';
import type { DocumentText } from './document-text';

/**
 * How a `memslot:` directive is written in each kind of file. XML forbids `--` inside a comment
 * (libxml2, and so libvirt, refuses the document: "Double hyphen within comment"), so XML
 * directives write the CLI's options without their leading dashes; the reader accepts both
 * spellings everywhere, so one syntax serves scripts, argument files and domain XML.
 */
export type DirectiveStyle = 'comment-hash' | 'comment-xml';

export function directiveStyleOf(model: Pick<MachineModel, 'frontend'>): DirectiveStyle {
  return model.frontend === 'libvirt' ? 'comment-xml' : 'comment-hash';
}

/** A word as the directive reader splits it back: quoted when it has blanks or quotes. */
export function directiveWord(word: string): string {
  return /[\s"'<>]/.test(word) || word === '' ? `"${word.replace(/["\\]/g, '\\$&')}"` : word;
}

/** A profile option (`vhost-user`, `qemu`...) and its value, in the style's spelling. */
export function directiveOption(style: DirectiveStyle, flag: string, value: string): string {
  const name = flag.replace(/^-+/, '');
  return `${style === 'comment-xml' ? name : `--${name}`} ${directiveWord(value)}`;
}

export function directiveSuppression(code: string, id: string): string {
  return `disable ${code} for ${directiveWord(id)}`;
}

/**
 * An edit inserting a directive line just above the machine (the qemu invocation, or <domain>),
 * with the same indentation, never inside a continued command line.
 */
export function insertDirectiveLine(document: DocumentText, model: MachineModel, body: string): TextEdit {
  const style = directiveStyleOf(model);
  const anchor = style === 'comment-xml' ? model.headRange.start : model.range.start;
  let line = anchor.line;
  if (style === 'comment-hash') {
    while (line > 0 && /\\\s*$/.test(document.lineText(line - 1))) line--;
  }
  const text = document.lineText(line);
  const before = style === 'comment-xml' && line === anchor.line ? text.slice(0, anchor.character) : text;
  const indent = /^[ \t]*/.exec(text)?.[0] ?? '';
  const comment = style === 'comment-xml' ? `<!-- memslot: ${body} -->` : `# memslot: ${body}`;
  if (style === 'comment-xml' && before.trim() !== '') {
    // Something (an XML declaration) precedes <domain> on its line: the comment goes right before <domain>.
    return { range: { start: anchor, end: anchor }, newText: `${comment}\n` };
  }
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: `${indent}${comment}\n` };
}
