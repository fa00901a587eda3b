import type { Finding, Severity } from '../../model/findings';
import type { MachineModel } from '../../model/machine';
import type { Range } from '../../model/range';
import type { Located, Property, RawValue, ValueOrigin } from '../../model/values';
import { frontendCodes } from '../../model/codes';
import { scaleToBytes, bytesToKiB } from './units';
import { attribute, textContent, type XmlAttribute, type XmlElement } from './xml';

/** Versions the user runs; unknown by default, then version-dependent checks only inform. */
export interface LibvirtOptions {
  libvirtVersion?: string;
  qemuVersion?: string;
}

/** State shared by the mapping steps for one `<domain>`. */
export class MappingContext {
  private nextOrder = 0;

  constructor(
    readonly domain: XmlElement,
    readonly machine: MachineModel,
    readonly options: LibvirtOptions,
  ) {}

  /** Items get increasing `order` in libvirt's emission order. */
  order(): number {
    return this.nextOrder++;
  }

  /** libvirt's own refusal (MS909) or a note about it. */
  libvirt(
    message: string, range: Range, severity: Severity = frontendCodes.libvirtValidation.defaultSeverity,
    data?: Record<string, unknown>): Finding {
    const finding: Finding = { code: frontendCodes.libvirtValidation.code, severity, message, range };
    if (data) finding.data = data;
    this.machine.diagnostics.push(finding);
    return finding;
  }

  /** A value we could not read (MS902). */
  invalid(message: string, range: Range): void {
    this.machine.diagnostics.push(
      { code: frontendCodes.invalidValue.code, severity: frontendCodes.invalidValue.defaultSeverity, message, range });
  }

  /** The domain's start tag, used for values that belong to no element. */
  get headRange(): Range {
    return this.domain.startTagRange;
  }

  /** `<x unit=...>N</x>` in KiB (rounded up like libvirt), or undefined with an MS902. */
  sizeKiB(element: XmlElement | undefined, defaultUnit = 'KiB'): Located<number> | undefined {
    if (!element) return undefined;
    const content = textContent(element);
    if (!content) {
      if (element.closed) this.invalid(`<${element.name}> needs a size`, element.range);
      return undefined;
    }
    const unit = attribute(element, 'unit');
    const scaled = scaleToBytes(content.text, unit?.value, defaultUnit);
    if (!scaled.ok) {
      this.invalid(`<${element.name}>: ${scaled.message}`, unit && scaled.message.startsWith('unknown unit') ? unit.valueRange : content.range);
      return undefined;
    }
    return { value: bytesToKiB(scaled.bytes), range: content.range, origin: 'written' };
  }

  /** A size given in an attribute pair such as `<cell memory= unit=>`. */
  attributeSizeKiB(element: XmlElement, name: string, unitName = 'unit'): Located<number> | undefined {
    const attr = attribute(element, name);
    if (!attr) return undefined;
    const unit = attribute(element, unitName);
    const scaled = scaleToBytes(attr.value, unit?.value, 'KiB');
    if (!scaled.ok) {
      this.invalid(`${name}: ${scaled.message}`, attr.valueRange);
      return undefined;
    }
    return { value: bytesToKiB(scaled.bytes), range: attr.valueRange, origin: 'written' };
  }

  /** An unsigned integer attribute (decimal or 0x hex, as libvirt's virStrToLong_ui accepts). */
  integerAttribute(element: XmlElement | undefined, name: string): Located<number> | undefined {
    const attr = attribute(element, name);
    if (!attr) return undefined;
    const value = parseInteger(attr.value);
    if (value === undefined) {
      this.invalid(`attribute '${name}': '${attr.value}' is not a number`, attr.valueRange);
      return undefined;
    }
    return { value, range: attr.valueRange, origin: 'written' };
  }

  integerText(element: XmlElement | undefined): Located<number> | undefined {
    if (!element) return undefined;
    const content = textContent(element);
    if (!content) return undefined;
    const value = parseInteger(content.text);
    if (value === undefined) {
      this.invalid(`<${element.name}>: '${content.text}' is not a number`, content.range);
      return undefined;
    }
    return { value, range: content.range, origin: 'written' };
  }
}

export function parseInteger(text: string): number | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d+$/.test(t)) return Number(t);
  return undefined;
}

export function located<T>(value: T, range: Range, origin: ValueOrigin): Located<T> {
  return { value, range, origin };
}

export function fromAttribute(attr: XmlAttribute): Located<string> {
  return { value: attr.value, range: attr.valueRange, origin: 'written' };
}

/** libvirt's yes/no and on/off tristates; undefined when absent or unreadable. */
export function yesNo(attr: XmlAttribute | undefined): boolean | undefined {
  if (!attr) return undefined;
  if (attr.value === 'yes' || attr.value === 'on') return true;
  if (attr.value === 'no' || attr.value === 'off') return false;
  return undefined;
}

/**
 * The properties libvirt would emit in its JSON, in its key order. Nothing here was typed by the
 * user character for character, so every key and value points at the XML element (or the
 * attribute) it came from.
 */
export class PropertyList {
  readonly items: Property[] = [];

  constructor(private readonly fallback: Range) {}

  add(key: string, value: RawValue | undefined, range?: Range): this {
    if (value === undefined) return this;
    const r = range ?? this.fallback;
    this.items.push({ key, keyRange: r, value, valueRange: r });
    return this;
  }
}
