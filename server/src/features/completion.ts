import type { DocumentKind } from '../frontends';
import { DocumentText } from '../model/document-text';
import type { Position } from '../model/range';
import {
  deviceDrivers, directiveOptions, libvirtMemoryModels, libvirtTargetAttributes, libvirtTargetChildren, objectTypes, propertiesOf,
  type OptionDoc,
} from './option-docs';

/** A completion item as plain data; the LSP adapter turns it into a CompletionItem. */
export interface CompletionData {
  label: string;
  insertText: string;
  detail: string;
  documentation: string;
  kind: 'driver' | 'property' | 'option' | 'value';
}

/**
 * Completion from the text before the cursor on its line: `-device`/`-object` drivers and their
 * memory-related properties, `memslot:` directive options, and in libvirt XML `<memory model=…>`
 * and the `<target>` children and attribute. Line-local, so it costs one line whatever the file.
 */
export function completionsAt(source: string | DocumentText, kind: DocumentKind, position: Position): CompletionData[] {
  const document = DocumentText.of(source);
  const line = document.lineText(position.line).slice(0, position.character);
  const directive = /(?:#|<!--)\s*memslot:\s*(?:[^\s]+\s+)*([-\w]*)$/.exec(line);
  if (directive) return directiveOptions.map((option) => item(option, 'option', 'memslot directive'));
  if (kind === 'libvirt-xml') return xmlCompletions(document.text.slice(0, document.offsetAt(position)), line);
  const option = /(?:^|\s)(-device|-object)(?:\s+|=)(['"]?)([^\s'"]*)$/.exec(line);
  if (!option) return [];
  const [, flag, , written] = option;
  const comma = written.indexOf(',');
  if (comma < 0) return (flag === '-device' ? deviceDrivers : objectTypes).map((doc) => item(doc, 'driver', flag));
  // After a comma: properties not yet written, for the driver before the first comma.
  const driver = written.slice(0, comma).replace(/^driver=|^qom-type=/, '');
  const present = new Set(written.slice(comma + 1).split(',').map((pair) => pair.split('=')[0]));
  const last = written.slice(written.lastIndexOf(',') + 1);
  if (last.includes('=')) return [];
  return propertiesOf(driver).filter((doc) => !present.has(doc.name) || doc.name === last)
    .map((doc) => item({ ...doc, insert: `${doc.name}=` }, 'property', driver));
}

function xmlCompletions(before: string, line: string): CompletionData[] {
  if (/\smodel=['"][\w-]*$/.test(openTagTail(line, '<memory'))) return libvirtMemoryModels.map((doc) => item(doc, 'value', '<memory model>'));
  const memory = before.lastIndexOf('<memory');
  const inMemory = memory >= 0 && before.indexOf('</memory>', memory) < 0;
  if (!inMemory) return [];
  if (/\s\w*$/.test(openTagTail(line, '<target'))) return libvirtTargetAttributes.map((doc) => item({ ...doc, insert: `${doc.name}='yes'` }, 'property', '<target>'));
  const target = before.lastIndexOf('<target');
  const inTarget = target > memory && before.indexOf('</target>', target) < 0;
  if (inTarget && /<[\w]*$/.test(line)) return libvirtTargetChildren.map((doc) => item(doc, 'property', '<target>'));
  return [];
}

/**
 * What follows the last `<name` of the line while that tag is still open and has at least one
 * blank after its name; '' otherwise. A scan, not one regular expression, so that it stays linear.
 */
function openTagTail(line: string, name: string): string {
  const open = line.lastIndexOf(name);
  if (open < 0) return '';
  const tail = line.slice(open + name.length);
  return /^\s/.test(tail) && !tail.includes('>') ? tail : '';
}

function item(doc: OptionDoc, kind: CompletionData['kind'], detail: string): CompletionData {
  return { label: doc.name, insertText: doc.insert ?? doc.name, detail, documentation: doc.doc, kind };
}

/** The documentation of the option name under the cursor (a property key, a driver, a directive option), as one Markdown line. */
export function optionDocAt(source: string | DocumentText, kind: DocumentKind, position: Position): string | undefined {
  const line = DocumentText.of(source).lineText(position.line);
  const isWord = (char: string | undefined): boolean => char !== undefined && /[\w.-]/.test(char);
  let from = position.character;
  let to = position.character;
  while (from > 0 && isWord(line[from - 1])) from--;
  while (isWord(line[to])) to++;
  const word = line.slice(from, to);
  if (!word) return undefined;
  const after = line[to];
  const lists: OptionDoc[][] = kind === 'libvirt-xml'
    ? [libvirtMemoryModels, libvirtTargetAttributes, libvirtTargetChildren]
    : [deviceDrivers, objectTypes, ...(after === '=' ? [propertiesOf('virtio-mem'), propertiesOf('memory-backend-x'), propertiesOf('pc-dimm'), propertiesOf('vhost-')] : [])];
  if (/memslot:/.test(line)) lists.unshift(directiveOptions);
  for (const list of lists) {
    const found = list.find((doc) => doc.name === word);
    if (found) return `\`${found.name}\`: ${found.doc}`;
  }
  return undefined;
}
