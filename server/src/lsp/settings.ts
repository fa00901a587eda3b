import type { Severity } from '../model/findings';
import {
  applyProfileOptions, defaultHostProfile, formatQemuVersion, parseQemuVersion, type HostProfile, type ProfileOverrides, type QemuFlavor,
} from '../simulator';

/**
 * The `memslot.*` settings: read from `workspace/configuration`, validated here (a bad value is
 * reported and its default used), and mapped to the host profile with source 'settings'. No LSP
 * imports, so tests and the package.json sync test read the defaults straight from here.
 */

export type RuleSeveritySetting = Severity | 'off';

export interface VhostUserSetting {
  socket: string;
  /** A slot count, or 'nocfg' for a backend without CONFIGURE_MEM_SLOTS (8). */
  limit: number | 'nocfg';
}

export interface HostSettings {
  qemuVersion: string;
  qemuFlavor: QemuFlavor;
  kvmMemslots: number;
  smm: boolean;
  vhostMaxMemRegions: number;
  vhostUser: VhostUserSetting[];
}

export interface MemslotSettings {
  host: HostSettings;
  /** Per rule code: a severity, or 'off'. */
  rules: Record<string, RuleSeveritySetting>;
  inlayHints: { enabled: boolean };
  trace: { server: 'off' | 'messages' | 'verbose' };
}

/** The defaults, taken from the simulator's default host so the two can never drift. */
export function defaultSettings(): MemslotSettings {
  const host = defaultHostProfile();
  return {
    host: {
      qemuVersion: formatQemuVersion(host.qemuVersion.value).replace(/\.0$/, ''),
      qemuFlavor: host.qemuFlavor.value,
      kvmMemslots: host.kvmMemslots.value,
      smm: host.smm.value,
      vhostMaxMemRegions: host.vhostMaxMemRegions.value,
      vhostUser: [],
    },
    rules: {},
    inlayHints: { enabled: true },
    trace: { server: 'off' },
  };
}

export const ruleSeverityValues: readonly RuleSeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

export interface SettingsRead {
  settings: MemslotSettings;
  /** One line per ignored value, naming the setting: the server shows them as a warning. */
  problems: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the raw `memslot` section; never throws. Absent values take their defaults silently. */
export function readSettings(raw: unknown): SettingsRead {
  const settings = defaultSettings();
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isRecord(raw)) return { settings, problems: ['memslot: the settings section is not an object; using the defaults'] };
  const bad = (name: string, value: unknown, expected: string) =>
    problems.push(`memslot.${name}: ${JSON.stringify(value)} is not ${expected}; using the default`);

  const host = isRecord(raw.host) ? raw.host : {};
  if (host.qemuVersion !== undefined) {
    if (typeof host.qemuVersion === 'string' && parseQemuVersion(host.qemuVersion).ok) settings.host.qemuVersion = host.qemuVersion;
    else bad('host.qemuVersion', host.qemuVersion, 'a QEMU version such as "9.2"');
  }
  if (host.qemuFlavor !== undefined) {
    if (host.qemuFlavor === 'upstream' || host.qemuFlavor === 'rhel') settings.host.qemuFlavor = host.qemuFlavor;
    else bad('host.qemuFlavor', host.qemuFlavor, '"upstream" or "rhel"');
  }
  for (const key of ['kvmMemslots', 'vhostMaxMemRegions'] as const) {
    const value = host[key];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) settings.host[key] = value;
    else bad(`host.${key}`, value, 'a whole number of at least 1');
  }
  if (host.smm !== undefined) {
    if (typeof host.smm === 'boolean') settings.host.smm = host.smm;
    else bad('host.smm', host.smm, 'true or false');
  }
  if (host.vhostUser !== undefined) {
    if (!Array.isArray(host.vhostUser)) bad('host.vhostUser', host.vhostUser, 'a list of {"socket", "limit"}');
    else {
      host.vhostUser.forEach((entry: unknown, index) => {
        const ok = isRecord(entry) && typeof entry.socket === 'string' && entry.socket !== ''
          && ((typeof entry.limit === 'number' && Number.isInteger(entry.limit) && entry.limit >= 1) || entry.limit === 'nocfg');
        if (ok) settings.host.vhostUser.push({ socket: entry.socket as string, limit: entry.limit as number | 'nocfg' });
        else problems.push(`memslot.host.vhostUser[${index}]: ${JSON.stringify(entry)} is not {"socket": "<path, glob or chardev id>", "limit": <number or "nocfg">}; ignored`);
      });
    }
  }
  if (raw.rules !== undefined) {
    if (!isRecord(raw.rules)) bad('rules', raw.rules, 'an object of rule codes');
    else {
      for (const [code, value] of Object.entries(raw.rules)) {
        if (typeof value === 'string' && (ruleSeverityValues as readonly string[]).includes(value)) settings.rules[code] = value as RuleSeveritySetting;
        else problems.push(`memslot.rules.${code}: ${JSON.stringify(value)} is not one of ${ruleSeverityValues.join(', ')}; the rule keeps its default severity`);
      }
    }
  }
  const inlay = isRecord(raw.inlayHints) ? raw.inlayHints : {};
  if (inlay.enabled !== undefined) {
    if (typeof inlay.enabled === 'boolean') settings.inlayHints.enabled = inlay.enabled;
    else bad('inlayHints.enabled', inlay.enabled, 'true or false');
  }
  const trace = isRecord(raw.trace) ? raw.trace : {};
  if (trace.server !== undefined) {
    if (trace.server === 'off' || trace.server === 'messages' || trace.server === 'verbose') settings.trace.server = trace.server;
    else bad('trace.server', trace.server, '"off", "messages" or "verbose"');
  }
  return { settings, problems };
}

/**
 * The host profile the settings describe. A value equal to the default stays a default (VS Code
 * sends defaults too, and hovers should not claim the user set them).
 */
export function profileFromSettings(settings: MemslotSettings, base: HostProfile = defaultHostProfile()): HostProfile {
  const defaults = defaultSettings().host;
  const host = settings.host;
  const overrides: ProfileOverrides = { origins: {} };
  const origins = overrides.origins ?? {};
  if (host.qemuVersion !== defaults.qemuVersion) {
    const parsed = parseQemuVersion(host.qemuVersion);
    if (parsed.ok) {
      overrides.qemuVersion = parsed.version;
      origins.qemuVersion = `memslot.host.qemuVersion: ${host.qemuVersion}`;
    }
  }
  if (host.qemuFlavor !== defaults.qemuFlavor) {
    overrides.qemuFlavor = host.qemuFlavor;
    origins.qemuFlavor = `memslot.host.qemuFlavor: ${host.qemuFlavor}`;
  }
  if (host.kvmMemslots !== defaults.kvmMemslots) {
    overrides.kvmMemslots = host.kvmMemslots;
    origins.kvmMemslots = `memslot.host.kvmMemslots: ${host.kvmMemslots}`;
  }
  if (host.smm !== defaults.smm) {
    overrides.smm = host.smm;
    origins.smm = `memslot.host.smm: ${host.smm}`;
  }
  if (host.vhostMaxMemRegions !== defaults.vhostMaxMemRegions) {
    overrides.vhostMaxMemRegions = host.vhostMaxMemRegions;
    origins.vhostMaxMemRegions = `memslot.host.vhostMaxMemRegions: ${host.vhostMaxMemRegions}`;
  }
  let profile = applyProfileOptions(base, overrides, 'settings');
  // One layer per entry, last first, so the first entry in the settings list wins like the CLI's first flag.
  for (const entry of [...host.vhostUser].reverse()) {
    const limit = entry.limit === 'nocfg' ? 'no-configure-mem-slots' : entry.limit;
    profile = applyProfileOptions(profile, { vhostUserBackends: [{ pattern: entry.socket, limit }] }, 'settings',
      `memslot.host.vhostUser: ${entry.socket}=${entry.limit}`);
  }
  return profile;
}

/** Severity overrides and disabled codes for the rule engine. */
export function ruleOptionsFromSettings(settings: MemslotSettings): { severityOverrides: Record<string, Severity>; disabled: string[] } {
  const severityOverrides: Record<string, Severity> = {};
  const disabled: string[] = [];
  for (const [code, value] of Object.entries(settings.rules)) {
    if (value === 'off') disabled.push(code);
    else severityOverrides[code] = value;
  }
  return { severityOverrides, disabled };
}
