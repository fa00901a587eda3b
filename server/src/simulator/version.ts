/** QEMU versions as `X.Y` or `X.Y.Z`; comparisons only ever need major.minor. */
export interface QemuVersion {
  major: number;
  minor: number;
  micro: number;
}

export type VersionParse = { ok: true; version: QemuVersion } | { ok: false; message: string };

export function parseQemuVersion(text: string): VersionParse {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return { ok: false, message: `'${text}' is not a QEMU version (use X.Y or X.Y.Z, e.g. 10.0 or 8.2.1)` };
  return { ok: true, version: { major: Number(match[1]), minor: Number(match[2]), micro: Number(match[3] ?? 0) } };
}

export function formatQemuVersion(version: QemuVersion): string {
  return `${version.major}.${version.minor}.${version.micro}`;
}

/** True when `version` is `major.minor` or later. */
export function atLeast(version: QemuVersion, major: number, minor: number): boolean {
  return version.major !== major ? version.major > major : version.minor >= minor;
}
