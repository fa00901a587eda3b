import { parseBitmap } from './bitmap';

/**
 * libvirt's scaled integers (virScaleInteger): a decimal integer and a unit that is either binary
 * (k, KiB, M, MiB ... powers of 1024) or decimal (KB, MB ... powers of 1000); case is ignored.
 * Memory elements default to KiB and are stored in KiB, rounded up (virDomainParseMemory).
 */

const binary = ['k', 'm', 'g', 't', 'p', 'e'];

export type ScaleResult = { ok: true; bytes: number } | { ok: false; message: string };

export function unitMultiplier(unit: string): number | undefined {
  const u = unit.trim().toLowerCase();
  if (u === '' ) return undefined;
  if (u === 'b' || u === 'byte' || u === 'bytes') return 1;
  const letter = u[0];
  const power = binary.indexOf(letter) + 1;
  if (power === 0) return undefined;
  if (u.length === 1 || u.slice(1) === 'ib') return 1024 ** power;
  if (u.slice(1) === 'b') return 1000 ** power;
  return undefined;
}

/** Bytes of `<x unit=...>value</x>`; `defaultUnit` applies when no unit is given. */
export function scaleToBytes(value: string, unit: string | undefined, defaultUnit = 'KiB'): ScaleResult {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: `'${trimmed}' is not a non-negative integer` };
  const multiplier = unitMultiplier(unit ?? defaultUnit);
  if (multiplier === undefined) return { ok: false, message: `unknown unit '${unit}'` };
  const bytes = Number(trimmed) * multiplier;
  if (!Number.isFinite(bytes)) return { ok: false, message: `'${trimmed}' is too large` };
  return { ok: true, bytes };
}

/** The KiB libvirt stores: bytes / 1024 rounded up. */
export function bytesToKiB(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** Largest KiB count libvirt accepts after alignment (LLONG_MAX bytes in KiB). */
export const maxMemoryKiB = 9007199254740991;

export function isPowerOfTwo(value: number): boolean {
  if (!Number.isInteger(value) || value <= 0) return false;
  let v = value;
  while (v > 1) {
    if (v % 2 !== 0) return false;
    v /= 2;
  }
  return true;
}

/** libvirt bitmap syntax `0-3,^2,5` → sorted numbers; undefined when libvirt cannot read it. */
export function parseNodeset(text: string): number[] | undefined {
  return parseBitmap(text)?.positions();
}

/** The mount directory name libvirt's test harness and typical hosts use: hugepages2M, hugepages1G. */
export function hugepageLabel(kib: number): string {
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}G`;
  if (kib % 1024 === 0) return `${kib / 1024}M`;
  return `${kib}K`;
}
