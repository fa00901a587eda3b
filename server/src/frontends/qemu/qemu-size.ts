/**
 * Sizes exactly as QEMU 10 reads them (qemu_strtosz), checked against the real binary
 * (test/oracle/frontend-messages.test.ts):
 * - optional leading white space, then a decimal number with an optional fraction, or 0x hex;
 * - an optional suffix B K M G T P E in either case (powers of 1024); nothing may follow it;
 * - hex takes no fraction and no suffix (`0x4G` is refused; in `0x400b` the b is a hex digit);
 * - a fraction needs a suffix other than B (`1.5` is refused, `1.5k` is 1536); fractional bytes
 *   are cut off (`1.1k` is 1126), not refused;
 * - the value must be below 2^64.
 */

export type QemuSizeParse =
  | { ok: true; bytes: number; suffixWritten: boolean; hex: boolean; endsInDigit: boolean }
  | { ok: false; reason: string };

const multipliers: Record<string, bigint> = {
  b: 1n, k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n, p: 1n << 50n, e: 1n << 60n,
};
const limit = 1n << 64n;
const suffixHint = 'use B, K, M, G, T, P or E';

export function parseQemuSize(text: string): QemuSizeParse {
  const body = text.replace(/^[ \t\n\r\f\v]+/, '');
  if (body === '') return { ok: false, reason: 'empty size' };
  const endsInDigit = /[0-9]$/.test(body);
  // Each pattern reads a prefix; the rest of the text is sliced off, not matched by a second `.*`.
  const hex = /^0[xX]([0-9a-fA-F]+)/.exec(body);
  if (hex) {
    const after = body.slice(hex[0].length);
    if (after !== '') return { ok: false, reason: `a hexadecimal size takes no suffix or fraction, not '${after}'` };
    return finish(BigInt(`0x${hex[1]}`), { suffixWritten: false, hex: true, endsInDigit });
  }
  const match = /^(\d+)(?:\.(\d*))?/.exec(body);
  if (!match) return { ok: false, reason: `'${text}' is not a size` };
  const [, whole, fraction] = match;
  const rest = body.slice(match[0].length);
  if (rest !== '' && !/^[A-Za-z]$/.test(rest)) return { ok: false, reason: `unknown size suffix '${rest}' (${suffixHint})` };
  const multiplier = rest === '' ? 1n : multipliers[rest.toLowerCase()];
  if (multiplier === undefined) return { ok: false, reason: `unknown size suffix '${rest}' (${suffixHint})` };
  let bytes = BigInt(whole) * multiplier;
  if (fraction !== undefined) {
    if (multiplier === 1n) return { ok: false, reason: 'a fraction needs a suffix (K, M, G, T, P or E)' };
    // Cut off at whole bytes, as QEMU does.
    const digits = fraction === '' ? '0' : fraction;
    bytes += (BigInt(digits) * multiplier) / 10n ** BigInt(digits.length);
  }
  return finish(bytes, { suffixWritten: rest !== '', hex: false, endsInDigit });
}

function finish(bytes: bigint, how: { suffixWritten: boolean; hex: boolean; endsInDigit: boolean }): QemuSizeParse {
  if (bytes >= limit) return { ok: false, reason: 'the size must be below 2^64' };
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'the size is too large for memslot (above 8 PiB)' };
  return { ok: true, bytes: Number(bytes), ...how };
}

/**
 * `-m`: QEMU parses the size as bytes, then appends 'M' to a value whose last character is a
 * decimal digit and parses again (`-m 4096` is 4 GiB; `-m 0x100` becomes `0x100M`, refused).
 */
export function parseMemorySize(text: string): { ok: true; bytes: number } | { ok: false; reason: string; machineProperty: boolean } {
  const parsed = parseQemuSize(text);
  if (!parsed.ok) return { ...parsed, machineProperty: false };
  if (!parsed.endsInDigit) return { ok: true, bytes: parsed.bytes };
  // QEMU appends 'M' and parses again: a hex number then has a suffix and is refused.
  if (parsed.hex) return { ok: false, reason: 'a hexadecimal -m size needs the suffix B, since a bare number means MiB', machineProperty: true };
  return megabytes(parsed.bytes);
}

/**
 * `-numa node,mem=`: parsed as bytes, then a value without a suffix is read again with MiB as the
 * default unit, hex too (`mem=1024` and `mem=0x400` are 1 GiB).
 */
export function parseNumaMemSize(text: string): { ok: true; bytes: number } | { ok: false; reason: string } {
  const parsed = parseQemuSize(text);
  if (!parsed.ok) return parsed;
  return parsed.suffixWritten ? { ok: true, bytes: parsed.bytes } : megabytes(parsed.bytes);
}

function megabytes(count: number): { ok: true; bytes: number } | { ok: false; reason: string; machineProperty: boolean } {
  const bytes = BigInt(count) << 20n;
  if (bytes >= limit) return { ok: false, reason: 'the size must be below 2^64', machineProperty: true };
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'the size is too large for memslot (above 8 PiB)', machineProperty: true };
  return { ok: true, bytes: Number(bytes) };
}
