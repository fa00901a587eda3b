import type { DocumentKind, DocumentText } from '../model/document-text';
import type { FrontendResult } from '../model/machine';
import { parseLibvirtDomain } from './libvirt';
import { parseQemuDocument, type ConfigFileReader } from './qemu';
import { looksLikeDomainXml } from './xml-root';

export type { DocumentKind } from '../model/document-text';

/** Picks the front end from the editor's language id or, for files on disk, the name and content. */
export function detectDocumentKind(text: string, hint: { languageId?: string; path?: string }): DocumentKind | undefined {
  const path = hint.path ?? '';
  if (hint.languageId === 'qemu-args' || /\.(qemu|qemuargs)$/.test(path)) return 'qemu-args';
  if (hint.languageId === 'xml' || /\.xml$/i.test(path)) return looksLikeDomainXml(text) ? 'libvirt-xml' : undefined;
  if (/\.args$/.test(path)) return 'qemu-args';
  if (isShellScript(text, hint)) return 'shell';
  if (looksLikeDomainXml(text)) return 'libvirt-xml';
  return 'shell';
}

/** A shell script by its editor language, name or shebang (else a snippet from docs, a log or a bug report). */
export function isShellScript(text: string, hint: { languageId?: string; path?: string }): boolean {
  return hint.languageId === 'shellscript' || /\.(sh|bash)$/.test(hint.path ?? '') || /^#!.*\b(ba|da|z)?sh\b/.test(text);
}

export { looksLikeDomainXml, scanXmlRoot, type XmlRootScan } from './xml-root';

/** `hint` tells a shell script from a snippet (whose `# qemu-system-...` lines are root prompts). */
export function analyzeDocument(
  text: string | DocumentText, kind: DocumentKind, hint?: { languageId?: string; path?: string },
  readConfig?: ConfigFileReader): FrontendResult {
  const files = readConfig === undefined ? {} : { readConfig };
  switch (kind) {
    case 'libvirt-xml': return parseLibvirtDomain(text);
    case 'qemu-args': return parseQemuDocument(text, 'args', { rootPrompts: false, ...files });
    case 'shell': {
      const source = typeof text === 'string' ? text : text.text;
      return parseQemuDocument(text, 'shell', { rootPrompts: hint !== undefined && !isShellScript(source, hint), ...files });
    }
  }
}
