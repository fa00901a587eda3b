import type { Range } from './range';

/**
 * Where a value came from. `written`: the user wrote it at `range`. `default`: nobody wrote it and
 * QEMU's (or libvirt's) default applies; `range` then points at the element it belongs to.
 * `global`: set by `-global`. `derived`: computed by a front end from other values (libvirt mapping).
 */
export type ValueOrigin = 'written' | 'default' | 'global' | 'derived';

export interface Located<T> {
  value: T;
  range: Range;
  origin: ValueOrigin;
}

/** JSON-typed or QemuOpts-string property value exactly as written, before typed interpretation. */
export type RawValue = string | number | boolean | null | RawValue[] | { [key: string]: RawValue };

/** One `key=value` (QemuOpts) or `"key": value` (JSON) member, kept so nothing the user wrote is lost. */
export interface Property {
  key: string;
  keyRange: Range;
  value: RawValue;
  valueRange: Range;
}

export function written<T>(value: T, range: Range): Located<T> {
  return { value, range, origin: 'written' };
}

export function defaulted<T>(value: T, range: Range): Located<T> {
  return { value, range, origin: 'default' };
}
