/**
 * Sizes as QEMU's qemu_strtosz reads them: a decimal integer or fraction, or 0x hex without a
 * fraction or suffix, then an optional suffix B K M G T P E (powers of 1024, either case).
 * Byte counts are JS numbers: exact up to 8 PiB, far beyond any guest.
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

const PiB = TiB * 1024;
const EiB = PiB * 1024;
const suffixes: Record<string, number> = {
  b: 1, k: KiB, m: MiB, g: GiB, t: TiB, p: PiB, e: EiB,
};

export type SizeParse = { ok: true; bytes: number } | { ok: false; message: string };

/** `defaultSuffix` applies when the text ends in a digit (QEMU's `-m` uses 'M'). */
export function parseSize(text: string, defaultSuffix?: string): SizeParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'empty size' };
  const hex = /^0[xX]([0-9a-fA-F]+)$/.exec(trimmed);
  if (hex?.[1] !== undefined) return { ok: true, bytes: parseInt(hex[1], 16) };
  const match = /^(\d+(?:\.\d*)?|\.\d+)([A-Za-z]?)$/.exec(trimmed);
  if (!match) {
    const number = /^\d+(?:\.\d*)?/.exec(trimmed);
    if (number && number[0].length < trimmed.length) {
      return { ok: false, message: `unknown size suffix '${trimmed.slice(number[0].length)}' in '${trimmed}' (use B, K, M, G, T, P or E)` };
    }
    return { ok: false, message: `'${trimmed}' is not a size` };
  }
  const suffix = (match[2] || defaultSuffix || 'b').toLowerCase();
  const multiplier = suffixes[suffix];
  if (multiplier === undefined) {
    return { ok: false, message: `unknown size suffix '${match[2]}' in '${trimmed}' (use B, K, M, G, T, P or E)` };
  }
  const bytes = Number(match[1]) * multiplier;
  if (!Number.isFinite(bytes) || bytes > Number.MAX_SAFE_INTEGER) return { ok: false, message: `size '${trimmed}' is too large` };
  if (!Number.isInteger(bytes)) return { ok: false, message: `size '${trimmed}' is not a whole number of bytes` };
  return { ok: true, bytes };
}

/** Human form with the largest unit that divides the size exactly, else two decimals. */
// Built once: formatSize runs for every explanation the simulator records.
const units: ReadonlyArray<readonly [string, number]> = [['EiB', EiB], ['PiB', PiB], ['TiB', TiB], ['GiB', GiB], ['MiB', MiB], ['KiB', KiB]];

export function formatSize(bytes: number): string {
  for (const [name, unit] of units) {
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit} ${name}`;
  }
  for (const [name, unit] of units) {
    if (bytes >= unit) return `${(bytes / unit).toFixed(2)} ${name}`;
  }
  return `${bytes} B`;
}

export type BooleanParse = { ok: true; value: boolean } | { ok: false; message: string };

/** QEMU's boolean spellings (qapi_bool_parse). */
export function parseBoolean(text: string): BooleanParse {
  switch (text) {
    case 'on': case 'yes': case 'true': case 'y': return { ok: true, value: true };
    case 'off': case 'no': case 'false': case 'n': return { ok: true, value: false };
    default: return { ok: false, message: `'${text}' is not a boolean (use on/off, yes/no or true/false)` };
  }
}

/** A property value as a boolean (JSON true/false, or QEMU's spellings); undefined for anything else (`auto`...). */
export function booleanValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const parsed = parseBoolean(String(value));
  return parsed.ok ? parsed.value : undefined;
}
