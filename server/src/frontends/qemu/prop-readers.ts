import type { Finding } from '../../model/findings';
import { parseBoolean } from '../../model/sizes';
import { written, type Located } from '../../model/values';
import { frontendCodes, type FrontendCodeName } from '../../model/codes';
import type { PropEntry } from './option-props';
import { parseMemorySize, parseNumaMemSize, parseQemuSize } from './qemu-size';

/**
 * Which QEMU code reads a size, since each words its complaint differently (QEMU 10):
 * `property`: a QOM property of -object, or -numa's mem (`Parameter 'size' expects a size value`);
 * `device`: a -device property (`Parameter 'requested-size' expects size`);
 * `memory`: -m's size and maxmem (`Parameter 'size' expects a non-negative number below 2^64`);
 * `numa-mem`: -numa node,mem=, where a number without a suffix is MiB.
 */
export type SizeReader = 'property' | 'device' | 'memory' | 'numa-mem';

/** Which QEMU code reads an unsigned integer: -device's property parser or -m's QemuOpts. */
export type UintReader = 'device' | 'memory' | 'other';

/**
 * Typed reading of option properties, with QEMU's own complaints: QemuOpts strings are parsed
 * (sizes, booleans), JSON values must already have the right type (QEMU's JSON input visitor
 * rejects `"size":"1G"` with `Parameter 'size' expects uint64`).
 */
export class PropReader {
  constructor(private readonly findings: Finding[]) {}

  report(name: FrontendCodeName, message: string, entry: PropEntry, onKey = false): void {
    const { code, defaultSeverity: severity } = frontendCodes[name];
    // An empty value has an empty range; point at its key, which the user can see.
    const emptyValue = entry.valueRange.start.line === entry.valueRange.end.line
      && entry.valueRange.start.character === entry.valueRange.end.character;
    this.findings.push({ code, severity, message, range: onKey || emptyValue ? entry.keyRange : entry.valueRange });
  }

  /** In JSON, sizes and integers are typed: a non-negative integer, as QEMU's uint64 visitor wants. */
  private jsonUint(entry: PropEntry): Located<number> | undefined {
    if (entry.jsonKind !== 'number' || typeof entry.raw !== 'number' || !Number.isInteger(entry.raw) || entry.raw < 0) {
      this.report('invalidValue', `Parameter '${entry.key}' expects uint64`, entry);
      return undefined;
    }
    return written(entry.raw, entry.valueRange);
  }

  /** Values hidden by unknown shell expansions cannot be read; say so once per value. */
  private hidden(entry: PropEntry): boolean {
    if (entry.unresolved.length === 0) return false;
    const { code, defaultSeverity: severity } = frontendCodes.unresolvedExpansion;
    entry.unresolved.forEach((expansion, index) => {
      this.findings.push({
        code,
        severity,
        message: `${expansion.text} has no value known in this script, so the value of '${entry.key}' is unknown`,
        range: entry.unresolvedRanges[index],
        data: { hidden: `${expansion.text} hides ${entry.key}` },
      });
    });
    return true;
  }

  /** A bare `name` where a value is needed: QemuOpts reads it as name=on, which is never meant. */
  private missingValue(entry: PropEntry): boolean {
    if (entry.form !== 'flag') return false;
    if (!entry.flagReported) this.report('syntax', `missing '=' and value after '${entry.key}'`, entry, true);
    return true;
  }

  string(entry: PropEntry | undefined): Located<string> | undefined {
    if (entry === undefined || this.missingValue(entry)) return undefined;
    if (entry.syntax === 'json' && entry.jsonKind !== 'string') {
      this.report('invalidValue', `Invalid parameter type for '${entry.key}', expected: string`, entry);
      return undefined;
    }
    this.hidden(entry);
    return written(String(entry.raw), entry.valueRange);
  }

  size(entry: PropEntry | undefined, reader: SizeReader = 'property'): Located<number> | undefined {
    // A bare `maxmem` is QemuOpts' short-form boolean maxmem=on, which QEMU then fails to read as a size.
    if (entry === undefined || (entry.form === 'flag' && entry.flagReported)) return undefined;
    if (entry.syntax === 'json') return this.jsonUint(entry);
    if (this.hidden(entry)) return undefined;
    const text = String(entry.raw);
    const parsed = reader === 'memory' && entry.key === 'size' ? parseMemorySize(text)
      : reader === 'numa-mem' ? parseNumaMemSize(text)
        : parseQemuSize(text);
    if (!parsed.ok) {
      const quoted = 'machineProperty' in parsed && parsed.machineProperty ? "Parameter 'memory.size' expects size"
        : reader === 'memory' ? `Parameter '${entry.key}' expects a non-negative number below 2^64`
          : reader === 'device' ? `Parameter '${entry.key}' expects size`
            : `Parameter '${entry.key}' expects a size value`;
      const reason = entry.form === 'flag' ? `'${entry.key}' without '=' means ${entry.key}=${text}` : parsed.reason;
      this.report('invalidValue', `${quoted}: ${reason}`, entry, entry.form === 'flag');
      return undefined;
    }
    return written(parsed.bytes, entry.valueRange);
  }

  /** Unsigned integers (node ids, slots, addresses): decimal or 0x hex, no suffix. */
  uint(entry: PropEntry | undefined, reader: UintReader = 'other'): Located<number> | undefined {
    if (entry === undefined) return undefined;
    if (entry.syntax === 'json') return this.jsonUint(entry);
    if (this.hidden(entry)) return undefined;
    // A bare `slots` is QemuOpts' short-form boolean: QEMU reads slots=on and refuses it as a number.
    const text = String(entry.raw).trim();
    if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) {
      const quoted = reader === 'memory' ? `Parameter '${entry.key}' expects a number`
        : reader === 'device' ? `Parameter '${entry.key}' expects integer`
          : `Parameter '${entry.key}' expects a non-negative integer`;
      const detail = entry.form === 'flag' ? `'${entry.key}' without '=' means ${entry.key}=${String(entry.raw)}` : `not '${text}'`;
      this.report('invalidValue', `${quoted} (${detail})`, entry, entry.form === 'flag');
      return undefined;
    }
    return written(Number(text), entry.valueRange);
  }

  /** Signed integers (a DIMM's slot, where −1 means none): decimal or 0x hex. */
  int(entry: PropEntry | undefined): Located<number> | undefined {
    if (entry === undefined) return undefined;
    if (entry.syntax === 'json') {
      if (entry.jsonKind !== 'number' || typeof entry.raw !== 'number' || !Number.isInteger(entry.raw)) {
        this.report('invalidValue', `Parameter '${entry.key}' expects int32`, entry);
        return undefined;
      }
      return written(entry.raw, entry.valueRange);
    }
    if (this.hidden(entry)) return undefined;
    const text = String(entry.raw).trim();
    const match = /^(-?)(0[xX][0-9a-fA-F]+|[0-9]+)$/.exec(text);
    if (!match) {
      this.report('invalidValue', `Parameter '${entry.key}' expects integer (not '${text}')`, entry, entry.form === 'flag');
      return undefined;
    }
    return written((match[1] ? -1 : 1) * Number(match[2]), entry.valueRange);
  }

  boolean(entry: PropEntry | undefined): Located<boolean> | undefined {
    if (entry === undefined) return undefined;
    if (entry.syntax === 'json') {
      if (entry.jsonKind !== 'boolean' || typeof entry.raw !== 'boolean') {
        this.report('invalidValue', `Invalid parameter type for '${entry.key}', expected: boolean`, entry);
        return undefined;
      }
      return written(entry.raw, entry.valueRange);
    }
    if (this.hidden(entry)) return undefined;
    const parsed = parseBoolean(String(entry.raw));
    if (!parsed.ok) {
      this.report('invalidValue', `Parameter '${entry.key}' expects 'on' or 'off' (also accepted: yes/no, true/false, y/n), not '${String(entry.raw)}'`, entry);
      return undefined;
    }
    return written(parsed.value, entry.valueRange);
  }

  /** QEMU's OnOffAuto: the strings on, off, auto (in JSON too). */
  onOffAuto(entry: PropEntry | undefined): Located<'on' | 'off' | 'auto'> | undefined {
    if (entry === undefined) return undefined;
    if (entry.syntax === 'json' && entry.jsonKind !== 'string') {
      this.report('invalidValue', `Invalid parameter type for '${entry.key}', expected: string`, entry);
      return undefined;
    }
    if (this.hidden(entry)) return undefined;
    const value = String(entry.raw);
    if (value !== 'on' && value !== 'off' && value !== 'auto') {
      this.report('invalidValue', `Parameter '${entry.key}' does not accept value '${value}' (use on, off or auto)`, entry);
      return undefined;
    }
    return written(value, entry.valueRange);
  }
}
