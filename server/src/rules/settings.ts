import { applyProfileOptions, parseProfileOptions, type HostProfile } from '../simulator';
import { codeCatalogue } from '../model/codes';
import type { SeveritySetting } from './types';

/**
 * The `memslot.*` settings the rules and the host profile read, as the JSON-schema fragment of
 * package.json's `contributes.configuration.properties`. A test compares package.json with this
 * constant, so the manifest and the server cannot drift apart. Host values left at their default keep
 * memslot's built-in defaults (a current upstream x86 host); a file's `memslot:` directive
 * overrides them.
 */
export const severitySettingValues = ['error', 'warning', 'information', 'hint', 'off'] as const;

// Every type is editable in the Settings UI (no nullable types, which it shows only as "Edit in
// settings.json"): a real default, or an explicit `auto`. A value equal to the built-in default is
// the default (the editor always hands over defaults, so the two cannot be told apart).
const hostSettings = {
  'memslot.host.qemuVersion': {
    type: 'string', default: 'auto', pattern: '^(auto|\\d+\\.\\d+(\\.\\d+)?)$',
    patternErrorMessage: 'A QEMU version such as 9.2 or 10.0.2, or auto.',
    markdownDescription: 'QEMU version of the host the VMs run on (e.g. `9.2`); `auto`: current upstream, 10.0. Same as `--qemu`.',
  },
  'memslot.host.qemuFlavor': {
    type: 'string', enum: ['auto', 'upstream', 'rhel'], default: 'auto',
    enumDescriptions: ['upstream QEMU', 'upstream QEMU: dynamic-memslots defaults to off', 'RHEL 9.4+ qemu-kvm: virtio-mem dynamic-memslots defaults to on'],
    markdownDescription: 'QEMU build: `upstream`, or `rhel` (RHEL 9.4+ qemu-kvm, where virtio-mem `dynamic-memslots` defaults to on). Same as `--qemu-flavor`.',
  },
  'memslot.host.kvmMemslots': {
    type: 'integer', minimum: 0, default: 32764,
    markdownDescription: "KVM's memslots per address space (`KVM_CAP_NR_MEMSLOTS`): 32764 on Linux 5.12+, 509 before. Same as `--kvm-memslots`.",
  },
  'memslot.host.smm': {
    type: 'boolean', default: true,
    markdownDescription: "Whether the host's KVM supports SMM (a second KVM address space on x86; ordinary Intel/AMD hosts do). Same as `--smm on|off`.",
  },
  'memslot.host.vhostMaxMemRegions': {
    type: 'integer', minimum: 0, default: 64,
    markdownDescription: "The vhost module's `max_mem_regions` (limit of vhost-kernel devices; 64 by default). Same as `--vhost-max-mem-regions`.",
  },
  'memslot.host.vhostUserBackends': {
    type: 'object', default: {},
    // String values: the Settings UI edits an object of strings as a key/value table (numbers are still read).
    additionalProperties: { type: 'string', pattern: '^(\\d+|nocfg)$', patternErrorMessage: 'A number of memslots, or nocfg.' },
    markdownDescription: 'Memslot limit per vhost-user back-end, keyed by socket path glob, socket file name or chardev id (e.g. `{"/run/vfsd/*.sock": "32"}`); `nocfg` for a back-end without CONFIGURE_MEM_SLOTS (8). Same as `--vhost-user SOCKET=N`.',
  },
  'memslot.host.vhostUserUnknownLimit': {
    type: 'string', default: '509', pattern: '^(\\d+|nocfg)$',
    patternErrorMessage: 'A number of memslots, or nocfg.',
    markdownDescription: 'Memslot limit assumed for a vhost-user back-end that `memslot.host.vhostUserBackends` does not name (such back-ends are still reported by MS012 when the verdict depends on them): a number, or `nocfg` for a back-end without CONFIGURE_MEM_SLOTS (8); 509 is current libvhost-user and virtiofsd. Same as `--vhost-user-unknown N|nocfg`.',
  },
  'memslot.host.cpuVendor': {
    type: 'string', enum: ['unknown', 'amd', 'intel'], default: 'unknown',
    enumDescriptions: ['not declared: MS016 says where the verdict depends on it', 'AMD host', 'Intel host'],
    markdownDescription: "The host CPU's vendor: under KVM every CPU model takes it, and an AMD vCPU moves RAM above 1 TiB on 7.1+ machine types. `unknown`: MS016 says where the verdict depends on it. Same as `--host-cpu-vendor`.",
  },
  'memslot.host.physBits': {
    type: 'string', default: 'unknown', pattern: '^(unknown|3[2-9]|[4-5][0-9]|6[0-4])$',
    patternErrorMessage: 'A number of bits from 32 to 64, or unknown.',
    markdownDescription: "The host CPU's physical address bits (`grep 'address sizes' /proc/cpuinfo`), used by `-cpu host`/`max` and `host-phys-bits=on` under KVM. `unknown`: MS016 says where the verdict depends on them. Same as `--host-phys-bits`.",
  },
} as const;

/** Setting values that mean "the built-in default" (older settings.json files may still say null). */
const builtInValues: Record<string, string> = {
  qemuVersion: 'auto', qemuFlavor: 'auto', kvmMemslots: '32764', smm: 'on', vhostMaxMemRegions: '64', vhostUserUnknownLimit: '509',
  cpuVendor: 'unknown', physBits: 'unknown',
};

export const memslotSettingsSchema = {
  'memslot.rules': {
    type: 'object',
    default: {},
    markdownDescription: 'Severity per code (`error`, `warning`, `information`, `hint`) or `off`, e.g. `{"MS009": "off"}`. Codes: see docs/rules/.',
    properties: Object.fromEntries(codeCatalogue.map((m) => [m.code, {
      type: 'string', enum: [...severitySettingValues], default: m.defaultSeverity, description: `${m.code} (${m.slug}): ${m.title}`,
    }])),
    additionalProperties: false,
  },
  ...hostSettings,
} as const;

/** The `memslot` section as the editor hands it over (`workspace.getConfiguration('memslot')`). */
export interface MemslotSettings {
  rules?: Record<string, string>;
  host?: {
    qemuVersion?: string | null;
    qemuFlavor?: string | null;
    kvmMemslots?: number | null;
    smm?: boolean | null;
    vhostMaxMemRegions?: number | null;
    vhostUserBackends?: Record<string, number | string>;
    vhostUserUnknownLimit?: string | number | null;
    cpuVendor?: string | null;
    physBits?: string | number | null;
  };
}

export interface SettingsRead {
  severityOverrides: Record<string, SeveritySetting>;
  /** Host settings as CLI profile arguments, each with the setting that gave it. */
  profileArgs: Array<{ args: string[]; origin: string }>;
  /** Invalid values, ignored (the server logs them or shows them once). */
  errors: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the `memslot` settings section; invalid entries are reported and ignored, never thrown. */
export function readMemslotSettings(settings: unknown): SettingsRead {
  const read: SettingsRead = { severityOverrides: {}, profileArgs: [], errors: [] };
  if (!isRecord(settings)) return read;
  const rules = settings.rules;
  if (isRecord(rules)) {
    for (const [code, value] of Object.entries(rules)) {
      if (!codeCatalogue.some((m) => m.code === code)) read.errors.push(`memslot.rules: '${code}' is not a memslot code`);
      else if (typeof value !== 'string' || !(severitySettingValues as readonly string[]).includes(value)) {
        read.errors.push(`memslot.rules.${code}: '${String(value)}' is not one of ${severitySettingValues.join(', ')}`);
      } else read.severityOverrides[code] = value as SeveritySetting;
    }
  }
  const host = isRecord(settings.host) ? settings.host : {};
  const flags: Array<[string, string]> = [
    ['qemuVersion', '--qemu'], ['qemuFlavor', '--qemu-flavor'], ['kvmMemslots', '--kvm-memslots'], ['smm', '--smm'], ['vhostMaxMemRegions', '--vhost-max-mem-regions'],
    ['vhostUserUnknownLimit', '--vhost-user-unknown'], ['cpuVendor', '--host-cpu-vendor'], ['physBits', '--host-phys-bits'],
  ];
  const push = (args: string[], origin: string): void => {
    const parsed = parseProfileOptions(args);
    if (parsed.errors.length > 0) read.errors.push(`${origin}: ${parsed.errors.join('; ')}`);
    else read.profileArgs.push({ args, origin });
  };
  for (const [key, flag] of flags) {
    const value = host[key];
    if (value === null || value === undefined) continue;
    const text = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
    if (text === builtInValues[key]) continue;
    push([flag, text], `setting memslot.host.${key}`);
  }
  const backends = host.vhostUserBackends;
  if (isRecord(backends)) {
    for (const [pattern, limit] of Object.entries(backends)) push(['--vhost-user', `${pattern}=${String(limit)}`], `setting memslot.host.vhostUserBackends["${pattern}"]`);
  }
  return read;
}

/** The profile with the settings applied (source 'settings'); directives go on top of this. */
export function profileWithSettings(base: HostProfile, read: Pick<SettingsRead, 'profileArgs'>): HostProfile {
  let profile = base;
  for (const { args, origin } of read.profileArgs) {
    const parsed = parseProfileOptions(args);
    const origins = Object.fromEntries(Object.keys(parsed.overrides.origins ?? {}).map((key) => [key, origin]));
    profile = applyProfileOptions(profile, { ...parsed.overrides, origins }, 'settings', origin);
  }
  return profile;
}
