import { directiveOption, insertDirectiveLine } from '../../model/directive-text';
import type { DocumentText } from '../../model/document-text';
import type { DocumentEditor, EditableProperty, FrontendVocabulary, MemoryLimits, ProposedEdit, PropertyValue } from '../../model/edits';
import type { TextEdit } from '../../model/findings';
import type { MachineModel, ModelItem } from '../../model/machine';
import type { Range } from '../../model/range';
import { unitMultiplier } from './units';
import { attribute, firstChild, textContent, type XmlElement } from './xml';

/**
 * The libvirt front end's editor: edits domain XML on the tree the XML reader built, with its exact
 * ranges (attribute values inside their quotes, start tags, self-closing elements), never by
 * searching the text. What libvirt has no element for (unplugged-inaccessible, a JSON -device) or
 * decides itself (the order of devices) is not offered.
 */

const KiB = 1024;

/** Where libvirt writes a QEMU property of a memory device: an attribute of one of its child elements, with yes/no values. */
const attributes: Partial<Record<EditableProperty, { element: string; attribute: string }>> = {
  'dynamic-memslots': { element: 'target', attribute: 'dynamicMemslots' },
};

/**
 * A size as the rules give it (bytes, or QEMU's `4M` spelling) in KiB, libvirt's unit for memory
 * sizes; undefined when it is not a whole number of KiB.
 */
function kibOf(value: PropertyValue): number | undefined {
  let bytes: number | undefined;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') {
    const written = /^(\d+)([kmgt]?)$/i.exec(value.trim());
    if (written) bytes = Number(written[1]) * 1024 ** ' kmgt'.indexOf((written[2] || ' ').toLowerCase());
  }
  return bytes !== undefined && bytes > 0 && bytes % KiB === 0 ? bytes / KiB : undefined;
}

/** `<block unit='KiB'>2048</block>`: where libvirt writes virtio-mem's block-size (in <target>). */
const blockElement = (kib: number): string => `<block unit='KiB'>${kib}</block>`;

function yesNo(value: PropertyValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

const sharedAccess = "<access mode='shared'/>";

const vocabulary: FrontendVocabulary = {
  assignment(property, value) {
    const kib = property === 'block-size' ? kibOf(value) : undefined;
    if (kib !== undefined) return blockElement(kib);
    const spelled = attributes[property];
    return spelled ? `${spelled.attribute}='${yesNo(value)}'` : `${property}=${String(value)}`;
  },
  directive: (flag, value) => `<!-- memslot: ${flag.replace(/^-+/, '')} ${value} -->`,
  fixedOrder: 'libvirt emits memory devices before vhost-user devices',
  unsupportedProperty(property, qemuVersion, qemuError) {
    // libvirt checks QEMU's capabilities itself and refuses the domain before QEMU runs.
    const name = attributes[property]?.attribute ?? property;
    return {
      refuser: 'libvirt',
      requirement: `${name} needs QEMU 8.2 and libvirt 10.1; the host has QEMU ${qemuVersion}`,
      verbatim: `libvirt: unsupported configuration: virtio-mem does not support ${name}\nQEMU: ${qemuError}`,
    };
  },
};

function key(range: Range): string {
  return `${range.start.line}:${range.start.character}`;
}

export class LibvirtEditor implements DocumentEditor {
  readonly vocabulary = vocabulary;
  /** Elements by where they start, built on first use: a model item's range is its element's. */
  private elementsByStart?: Map<string, XmlElement>;

  /** `domain` is undefined only for a document without one (then it has no machine to edit either). */
  constructor(
    private readonly document: DocumentText,
    private readonly domain: XmlElement | undefined,
    private readonly model: MachineModel,
  ) {}

  /** The element a model item was read from. */
  elementOf(item: ModelItem): XmlElement | undefined {
    if (!this.elementsByStart) {
      const map = new Map<string, XmlElement>();
      const pending: XmlElement[] = this.domain ? [this.domain] : [];
      for (let element = pending.pop(); element; element = pending.pop()) {
        if (!map.has(key(element.range))) map.set(key(element.range), element);
        for (const child of element.children) if (child.kind === 'element') pending.push(child);
      }
      this.elementsByStart = map;
    }
    return this.elementsByStart.get(key(item.range));
  }

  setProperty(item: ModelItem, property: EditableProperty, value: PropertyValue): TextEdit | null {
    if (property === 'block-size') return this.setBlockSize(item, value);
    const spelled = attributes[property];
    const element = firstChild(this.elementOf(item), spelled?.element ?? '');
    if (!spelled || !element) return null;
    return this.setAttribute(element, spelled.attribute, yesNo(value));
  }

  /** libvirt's attributes are not removed by a fix: the fixes that set them cover what removal would do. */
  removeProperty(): TextEdit | null {
    return null;
  }

  moveBefore(): TextEdit[] | null {
    return null;
  }

  /**
   * `<maxMemory slots='N' unit='U'>MAX</maxMemory>`: sets what is written (MAX in its own unit when
   * it divides, else in KiB), or adds the element before <memory> when a maximum is asked for
   * (libvirt has no maximum without one).
   */
  setMemoryLimits(limits: MemoryLimits): ProposedEdit | null {
    if (limits.maxmem === undefined && limits.slots === undefined) return null;
    const maxKiB = limits.maxmem === undefined ? undefined : Math.ceil(limits.maxmem / KiB);
    const written = firstChild(this.domain, 'maxMemory');
    if (!written) {
      const memory = firstChild(this.domain, 'memory') ?? firstChild(this.domain, 'currentMemory');
      if (maxKiB === undefined || !memory) return null;
      const slots = limits.slots === undefined ? '' : ` slots='${limits.slots}'`;
      const element = `<maxMemory${slots} unit='KiB'>${maxKiB}</maxMemory>`;
      const lineStart = { line: memory.range.start.line, character: 0 };
      const indent = this.indentOf(memory);
      const before = this.document.text.slice(this.document.offsetAt(lineStart), this.document.offsetAt(memory.range.start));
      // On a line of its own when <memory> starts one; else just before it.
      const edit = before.trim() === ''
        ? { range: { start: lineStart, end: lineStart }, newText: `${indent}${element}\n` }
        : { range: { start: memory.range.start, end: memory.range.start }, newText: element };
      return { title: `Add ${element}`, edits: [edit] };
    }
    const edits: TextEdit[] = [];
    let slots = '';
    let size = '';
    if (limits.slots !== undefined) {
      edits.push(this.setAttribute(written, 'slots', String(limits.slots)));
      slots = ` slots='${limits.slots}'`;
    }
    if (maxKiB !== undefined) {
      const content = textContent(written);
      if (!content) return null;
      const unit = attribute(written, 'unit');
      const multiplier = unitMultiplier(unit?.value ?? 'KiB');
      const inWrittenUnit = multiplier !== undefined && (maxKiB * KiB) % multiplier === 0 ? (maxKiB * KiB) / multiplier : undefined;
      if (inWrittenUnit !== undefined) {
        edits.push({ range: content.range, newText: String(inWrittenUnit) });
        size = ` to ${inWrittenUnit} ${unit?.value ?? 'KiB'}`;
      } else {
        edits.push(this.setAttribute(written, 'unit', 'KiB'), { range: content.range, newText: String(maxKiB) });
        size = ` to ${maxKiB} KiB`;
      }
    }
    return { title: `Set <maxMemory${slots}>${size}`, edits };
  }

  /**
   * `<vcpu>N</vcpu>`: sets the written count, or adds the element after the memory elements, where
   * libvirt writes it (a missing `<vcpu>` is 1).
   */
  setVcpuCount(count: number): ProposedEdit | null {
    const written = firstChild(this.domain, 'vcpu');
    if (written) {
      const content = textContent(written);
      return content ? { title: `Set <vcpu> to ${count}`, edits: [{ range: content.range, newText: String(count) }] } : null;
    }
    const anchors = ['memoryBacking', 'currentMemory', 'memory', 'maxMemory', 'name']
      .map((name) => firstChild(this.domain, name))
      .filter((element): element is XmlElement => element !== undefined);
    const endOf = (element: XmlElement): number => this.document.offsetAt(element.range.end);
    const after = anchors.reduce<XmlElement | undefined>(
      (last, element) => (!last || endOf(element) > endOf(last) ? element : last), undefined);
    if (!after) return null;
    const element = `<vcpu>${count}</vcpu>`;
    return { title: `Add ${element}`, edits: [this.insertAfter(after, element)] };
  }

  /** `<access mode='shared'/>` in <memoryBacking>: sets a written mode, adds the element, or adds <memoryBacking>. */
  ensureSharedMemory(): ProposedEdit | null {
    const edit = this.sharedAccessEdit();
    return edit ? { title: "Share guest memory: <memoryBacking><access mode='shared'/>", edits: [edit] } : null;
  }

  /** `<acpi/>` in <features>, or a new `<features><acpi/></features>` after <os>; libvirt writes acpi=off without it. */
  enableAcpi(): ProposedEdit | null {
    const features = firstChild(this.domain, 'features');
    if (features) {
      return firstChild(features, 'acpi') ? null : { title: 'Add <acpi/> to <features>', edits: [this.appendChild(features, '<acpi/>')] };
    }
    const os = firstChild(this.domain, 'os');
    if (!os) return null;
    const element = '<features><acpi/></features>';
    return { title: `Add ${element}`, edits: [this.insertAfter(os, element)] };
  }

  rewriteInQemuOptsForm(): TextEdit | null {
    return null;
  }

  insertDirective(flag: string, value: string): TextEdit {
    return insertDirectiveLine(this.document, this.model, directiveOption('comment-xml', flag, value));
  }

  /** The block size in KiB in <target><block>: sets the written one (and its unit), else adds the element. */
  private setBlockSize(item: ModelItem, value: PropertyValue): TextEdit | null {
    const kib = kibOf(value);
    const target = firstChild(this.elementOf(item), 'target');
    if (kib === undefined || !target) return null;
    const block = firstChild(target, 'block');
    if (!block) return this.appendChild(target, blockElement(kib));
    // Both the unit and the value change: one edit over the whole element keeps them together.
    return { range: block.range, newText: blockElement(kib) };
  }

  private sharedAccessEdit(): TextEdit | null {
    const backing = firstChild(this.domain, 'memoryBacking');
    if (backing) {
      const access = firstChild(backing, 'access');
      if (access) return this.setAttribute(access, 'mode', 'shared');
      return this.appendChild(backing, sharedAccess);
    }
    // A new <memoryBacking> goes after <memory> (or <currentMemory>), on a line of its own.
    const memory = firstChild(this.domain, 'memory') ?? firstChild(this.domain, 'currentMemory');
    return memory ? this.insertAfter(memory, `<memoryBacking>${sharedAccess}</memoryBacking>`) : null;
  }

  /** The blanks that start the element's first line: a sibling written after it gets the same. */
  private indentOf(element: XmlElement): string {
    return /^[ \t]*/.exec(this.document.lineText(element.range.start.line))?.[0] ?? '';
  }

  /** `xml` as the element's next sibling, on a line of its own with the element's indentation. */
  private insertAfter(element: XmlElement, xml: string): TextEdit {
    const at = element.range.end;
    return { range: { start: at, end: at }, newText: `\n${this.indentOf(element)}${xml}` };
  }

  /** Replaces a written attribute's value, else adds the attribute after the element's name in the quotes its neighbours use. */
  setAttribute(element: XmlElement, name: string, value: string): TextEdit {
    const written = attribute(element, name);
    if (written) return { range: written.valueRange, newText: escapeAttribute(value, this.quoteOf(written.valueRange)) };
    const other = element.attributes[0];
    const quote = other ? this.quoteOf(other.valueRange) : "'";
    const at = element.nameRange.end;
    return { range: { start: at, end: at }, newText: ` ${name}=${quote}${escapeAttribute(value, quote)}${quote}` };
  }

  /** Adds `xml` as the element's first child; a self-closing element is opened and closed around it. */
  appendChild(element: XmlElement, xml: string): TextEdit {
    const { document } = this;
    const tagEnd = document.offsetAt(element.startTagRange.end);
    const selfClosing = document.text[tagEnd - 2] === '/';
    if (!selfClosing) return { range: { start: element.startTagRange.end, end: element.startTagRange.end }, newText: xml };
    // `<memoryBacking/>` or `<memoryBacking a='b' />`: keep the start tag's attributes, drop its `/`.
    let slash = tagEnd - 2;
    while (slash > 0 && (document.text[slash - 1] === ' ' || document.text[slash - 1] === '\t')) slash--;
    const open = document.text.slice(document.offsetAt(element.startTagRange.start), slash);
    return { range: element.startTagRange, newText: `${open}>${xml}</${element.name}>` };
  }

  /** The quote character around an attribute value (`'` when it cannot be seen). */
  private quoteOf(valueRange: Range): string {
    const close = this.document.text[this.document.offsetAt(valueRange.end)];
    return close === '"' ? '"' : "'";
  }
}

function escapeAttribute(value: string, quote: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return quote === '"' ? escaped.replace(/"/g, '&quot;') : escaped.replace(/'/g, '&apos;');
}
