import { atLeast, formatQemuVersion, parseQemuVersion, type QemuVersion } from './version';
import { globMatches, globProblem } from './glob';
import { VHOST_USER_BASELINE_REGIONS } from './constants';

/**
 * The host profile: everything a command line cannot tell (QEMU version, KVM and vhost limits,
 * vhost-user back-end limits). Every value says who set it, so hovers can show its origin.
 */
/** `script`: a back-end daemon the same script starts (its program's documented limit). */
export type ProfileSource = 'default' | 'settings' | 'cli' | 'script' | 'directive';

export interface Sourced<T> {
  value: T;
  source: ProfileSource;
  /** Free text: which setting, flag or directive set it, or why the default is what it is. */
  origin: string;
}

export type QemuFlavor = 'upstream' | 'rhel';

/** The host CPU's vendor: under KVM every named CPU model takes it (target/i386/host-cpu.c). */
export type HostCpuVendor = 'amd' | 'intel';

/** A vhost-user back-end limit: a number of slots, or a back-end without CONFIGURE_MEM_SLOTS (8). */
export type VhostUserLimit = number | 'no-configure-mem-slots';

export interface VhostUserBackendRule {
  /** Socket path glob (`/run/vhost/*.sock`), a bare socket file name, or a chardev id. */
  pattern: string;
  limit: VhostUserLimit;
  source: ProfileSource;
  origin: string;
}

export interface HostProfile {
  qemuVersion: Sourced<QemuVersion>;
  qemuFlavor: Sourced<QemuFlavor>;
  /** KVM_CAP_NR_MEMSLOTS, per address space. */
  kvmMemslots: Sourced<number>;
  /** Whether the host's KVM supports SMM (then x86 machines get a second KVM address space). */
  smm: Sourced<boolean>;
  /** /sys/module/vhost/parameters/max_mem_regions: the limit of every vhost-kernel device. */
  vhostMaxMemRegions: Sourced<number>;
  /** First matching rule wins; rules added later (settings, CLI, directives) come first. */
  vhostUserBackends: VhostUserBackendRule[];
  /** Limit assumed for a vhost-user back-end that no rule matches; such back-ends are reported unknown. */
  unknownVhostUserAssumption: Sourced<VhostUserLimit>;
  /** null: unknown; the simulator then assumes HOST_FACT_ASSUMPTIONS and MS016 says where the verdict depends on it. */
  hostCpuVendor: Sourced<HostCpuVendor | null>;
  /** The host's physical address bits (CPUID 0x80000008 EAX[7:0]); null: unknown. */
  hostPhysBits: Sourced<number | null>;
}

/**
 * What the simulator assumes for a host fact nobody declared: an Intel host (no HyperTransport
 * hole relocation) with 48 physical address bits (AMD EPYC/Ryzen; Intel Xeons have 46 or 52,
 * Intel desktop CPUs 39). MS016 reports where another value would change the verdict.
 */
export const HOST_FACT_ASSUMPTIONS = { cpuVendor: 'intel' as HostCpuVendor, physBits: 48 };

export function defaultHostProfile(): HostProfile {
  return {
    qemuVersion: { value: { major: 10, minor: 0, micro: 0 }, source: 'default', origin: 'current upstream QEMU (10.0)' },
    qemuFlavor: { value: 'upstream', source: 'default', origin: 'upstream QEMU (dynamic-memslots defaults to off)' },
    kvmMemslots: { value: 32764, source: 'default', origin: 'KVM_CAP_NR_MEMSLOTS of Linux 5.12 and later on x86' },
    smm: { value: true, source: 'default', origin: 'ordinary Intel/AMD hosts support SMM' },
    vhostMaxMemRegions: { value: 64, source: 'default', origin: "the vhost module's default max_mem_regions" },
    vhostUserBackends: [],
    unknownVhostUserAssumption: {
      value: 509,
      source: 'default',
      origin: 'assumed: current libvhost-user (QEMU 9.0+) and rust-vmm vhost-user-backend 0.13+ (virtiofsd) report 509; DPDK/SPDK report 8, older daemons 32',
    },
    hostCpuVendor: { value: null, source: 'default', origin: 'unknown: declare it with --host-cpu-vendor amd|intel' },
    hostPhysBits: { value: null, source: 'default', origin: 'unknown: declare it with --host-phys-bits N' },
  };
}

/** What options (CLI flags, settings, file directives) override; absent fields keep the base value. */
export interface ProfileOverrides {
  qemuVersion?: QemuVersion;
  qemuFlavor?: QemuFlavor;
  kvmMemslots?: number;
  smm?: boolean;
  vhostMaxMemRegions?: number;
  vhostUserBackends?: Array<{ pattern: string; limit: VhostUserLimit }>;
  unknownVhostUserAssumption?: VhostUserLimit;
  hostCpuVendor?: HostCpuVendor;
  hostPhysBits?: number;
  /** Per field, the text that set it (e.g. `--qemu 8.1`), used as the origin. */
  origins?: Partial<Record<Exclude<keyof ProfileOverrides, 'origins'>, string>>;
}

export interface ProfileOptionsParse {
  overrides: ProfileOverrides;
  errors: string[];
  /** Arguments that are not profile options, in their order. */
  rest: string[];
}

/** The host profile flags, each taking one value; `--vhost-user` may repeat, the others' last use wins. */
export const PROFILE_VALUE_FLAGS: readonly string[] = [
  '--qemu', '--qemu-flavor', '--kvm-memslots', '--smm', '--vhost-max-mem-regions', '--vhost-user', '--vhost-user-unknown',
  '--host-cpu-vendor', '--host-phys-bits',
];

function parseCount(flag: string, text: string, errors: string[]): number | undefined {
  if (!/^\d+$/.test(text)) {
    errors.push(`${flag}: '${text}' is not a whole number`);
    return undefined;
  }
  return Number(text);
}

/** A vhost-user limit as the flags write it: a whole number, or `nocfg` (no CONFIGURE_MEM_SLOTS: 8). */
function parseVhostUserLimit(flag: string, text: string, errors: string[]): VhostUserLimit | undefined {
  if (text === 'nocfg' || text === 'no-configure-mem-slots') return 'no-configure-mem-slots';
  return parseCount(flag, text, errors);
}

function formatVhostUserLimit(limit: VhostUserLimit): string | number {
  return limit === 'no-configure-mem-slots' ? 'nocfg' : limit;
}

/**
 * Reads the profile flags out of an argument list: `--qemu VERSION`, `--qemu-flavor upstream|rhel`,
 * `--kvm-memslots N`, `--smm on|off`, `--vhost-max-mem-regions N`, `--vhost-user SOCKET=N`
 * (repeatable; N may be `nocfg` for a back-end without CONFIGURE_MEM_SLOTS), `--vhost-user-unknown N|nocfg`
 * (the limit assumed for a vhost-user back-end no `--vhost-user` names), `--host-cpu-vendor amd|intel`,
 * `--host-phys-bits N`. Both `--flag value` and
 * `--flag=value` work. Never prints or exits: the CLI and the `# memslot:` directive reader share it.
 */
export function parseProfileOptions(args: string[]): ProfileOptionsParse {
  const overrides: ProfileOverrides = { origins: {} };
  const errors: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!PROFILE_VALUE_FLAGS.includes(flag)) {
      rest.push(arg);
      continue;
    }
    const value = flag !== arg ? arg.slice(eq + 1) : i + 1 < args.length ? args[++i] : undefined;
    readProfileOption(flag, value, overrides, errors);
  }
  return { overrides, errors, rest };
}

/**
 * Reads one profile flag (one of PROFILE_VALUE_FLAGS) and its value into `overrides`, or says what is wrong
 * with it in `errors`; `value` is undefined when the flag came last without one. The CLI's parseArgs tokens
 * and parseProfileOptions's scan both end here, so the two report the same texts.
 */
export function readProfileOption(flag: string, value: string | undefined, overrides: ProfileOverrides, errors: string[]): void {
  const origins = (overrides.origins ??= {});
  if (value === undefined) {
    errors.push(`${flag} needs a value`);
    return;
  }
  const text = `${flag} ${value}`;
  switch (flag) {
    case '--qemu': {
      const parsed = parseQemuVersion(value);
      if (parsed.ok) {
        overrides.qemuVersion = parsed.version;
        origins.qemuVersion = text;
      } else errors.push(`--qemu: ${parsed.message}`);
      break;
    }
    case '--qemu-flavor':
      if (value === 'upstream' || value === 'rhel') {
        overrides.qemuFlavor = value;
        origins.qemuFlavor = text;
      } else errors.push(`--qemu-flavor: '${value}' is not a flavour (use upstream or rhel)`);
      break;
    case '--kvm-memslots': {
      const n = parseCount(flag, value, errors);
      if (n !== undefined) {
        overrides.kvmMemslots = n;
        origins.kvmMemslots = text;
      }
      break;
    }
    case '--smm':
      if (value === 'on' || value === 'off') {
        overrides.smm = value === 'on';
        origins.smm = text;
      } else errors.push(`--smm: '${value}' is not on or off`);
      break;
    case '--vhost-max-mem-regions': {
      const n = parseCount(flag, value, errors);
      if (n !== undefined) {
        overrides.vhostMaxMemRegions = n;
        origins.vhostMaxMemRegions = text;
      }
      break;
    }
    case '--vhost-user': {
      const at = value.lastIndexOf('=');
      if (at <= 0 || at === value.length - 1) {
        errors.push(`--vhost-user: '${value}' is not SOCKET=N (a socket path glob or chardev id, then the back-end's memslot limit)`);
        break;
      }
      const pattern = value.slice(0, at);
      const bad = globProblem(pattern);
      if (bad !== undefined) {
        errors.push(`--vhost-user: '${pattern}' is not a usable socket path glob: ${bad}`);
        break;
      }
      const limit = parseVhostUserLimit(flag, value.slice(at + 1), errors);
      if (limit !== undefined) {
        (overrides.vhostUserBackends ??= []).push({ pattern, limit });
        origins.vhostUserBackends = origins.vhostUserBackends ? `${origins.vhostUserBackends}; ${text}` : text;
      }
      break;
    }
    case '--host-cpu-vendor':
      if (value === 'amd' || value === 'intel') {
        overrides.hostCpuVendor = value;
        origins.hostCpuVendor = text;
      } else errors.push(`--host-cpu-vendor: '${value}' is not amd or intel`);
      break;
    case '--host-phys-bits': {
      const n = parseCount(flag, value, errors);
      if (n !== undefined && (n < 32 || n > 64)) errors.push(`--host-phys-bits: ${n} is not between 32 and 64`);
      else if (n !== undefined) {
        overrides.hostPhysBits = n;
        origins.hostPhysBits = text;
      }
      break;
    }
    case '--vhost-user-unknown': {
      const limit = parseVhostUserLimit(flag, value, errors);
      if (limit !== undefined) {
        overrides.unknownVhostUserAssumption = limit;
        origins.unknownVhostUserAssumption = text;
      }
      break;
    }
  }
}

/** A new profile with the overrides applied; the base is not changed. */
export function applyProfileOptions(base: HostProfile, overrides: ProfileOverrides, source: ProfileSource, origin?: string): HostProfile {
  const originOf = (field: Exclude<keyof ProfileOverrides, 'origins'>): string =>
    overrides.origins?.[field] ?? origin ?? source;
  const next: HostProfile = { ...base, vhostUserBackends: [...base.vhostUserBackends] };
  if (overrides.qemuVersion) next.qemuVersion = { value: overrides.qemuVersion, source, origin: originOf('qemuVersion') };
  if (overrides.qemuFlavor) next.qemuFlavor = { value: overrides.qemuFlavor, source, origin: originOf('qemuFlavor') };
  if (overrides.kvmMemslots !== undefined) next.kvmMemslots = { value: overrides.kvmMemslots, source, origin: originOf('kvmMemslots') };
  if (overrides.smm !== undefined) next.smm = { value: overrides.smm, source, origin: originOf('smm') };
  if (overrides.vhostMaxMemRegions !== undefined) {
    next.vhostMaxMemRegions = { value: overrides.vhostMaxMemRegions, source, origin: originOf('vhostMaxMemRegions') };
  }
  if (overrides.unknownVhostUserAssumption !== undefined) {
    next.unknownVhostUserAssumption = { value: overrides.unknownVhostUserAssumption, source, origin: originOf('unknownVhostUserAssumption') };
  }
  if (overrides.hostCpuVendor !== undefined) next.hostCpuVendor = { value: overrides.hostCpuVendor, source, origin: originOf('hostCpuVendor') };
  if (overrides.hostPhysBits !== undefined) next.hostPhysBits = { value: overrides.hostPhysBits, source, origin: originOf('hostPhysBits') };
  if (overrides.vhostUserBackends?.length) {
    const added = overrides.vhostUserBackends.map((rule) => ({
      pattern: rule.pattern,
      limit: rule.limit,
      source,
      origin: origin ?? `${source === 'cli' || source === 'directive' ? '--vhost-user ' : ''}${rule.pattern}=${formatVhostUserLimit(rule.limit)}`,
    }));
    next.vhostUserBackends = [...added, ...next.vhostUserBackends];
  }
  return next;
}

/** Rules whose pattern has no glob character, by pattern (first index wins); the others in order. */
interface RuleIndex {
  literal: Map<string, number>;
  globs: number[];
}

const ruleIndexes = new WeakMap<readonly VhostUserBackendRule[], RuleIndex>();

function indexRules(rules: readonly VhostUserBackendRule[]): RuleIndex {
  let index = ruleIndexes.get(rules);
  if (index) return index;
  index = { literal: new Map(), globs: [] };
  rules.forEach(({ pattern }, i) => {
    if (/[*?[\\]/.test(pattern)) index.globs.push(i);
    else if (!index.literal.has(pattern)) index.literal.set(pattern, i);
  });
  ruleIndexes.set(rules, index);
  return index;
}

/**
 * The first rule matching the socket path (as a glob, or by file name) or the chardev id. Plain
 * names and paths are looked up, only globs are tried one by one, so thousands of declared
 * back-ends cost a lookup per device, not a scan.
 */
export function findVhostUserRule(
  profile: HostProfile, socketPath: string | undefined, chardevId: string | undefined,
): VhostUserBackendRule | undefined {
  const rules = profile.vhostUserBackends;
  const index = indexRules(rules);
  const base = socketPath === undefined ? undefined : socketPath.slice(socketPath.lastIndexOf('/') + 1);
  let best = Infinity;
  for (const key of [chardevId, socketPath, base]) {
    const at = key === undefined ? undefined : index.literal.get(key);
    if (at !== undefined && at < best) best = at;
  }
  for (const at of index.globs) {
    if (at >= best) break;
    const rule = rules[at];
    if (rule === undefined) continue;
    if (chardevId !== undefined && rule.pattern === chardevId) return rule;
    if (socketPath === undefined) continue;
    if (globMatches(rule.pattern, socketPath)) return rule;
    if (!rule.pattern.includes('/') && base !== undefined && globMatches(rule.pattern, base)) return rule;
  }
  return best === Infinity ? undefined : rules[best];
}

/**
 * QEMU's own cap on what a vhost-user back-end may report (VHOST_USER_MAX_RAM_SLOTS): 512 since 8.1
 * (256 on x86/arm in 5.1–8.0), 32 on ppc.
 */
export function vhostUserSlotCap(version: QemuVersion, arch: string): number {
  if (arch.startsWith('ppc')) return 32;
  return atLeast(version, 8, 1) ? 512 : 256;
}

export function resolveVhostUserLimit(limit: VhostUserLimit, version: QemuVersion, arch: string): number {
  if (limit === 'no-configure-mem-slots') return VHOST_USER_BASELINE_REGIONS;
  return Math.min(limit, vhostUserSlotCap(version, arch));
}

/** A short, JSON-friendly view of the profile values the simulation used. */
export function describeProfile(
  profile: HostProfile,
): Record<string, { value: string | number | boolean; source: ProfileSource; origin: string }> {
  return {
    qemuVersion: { ...profile.qemuVersion, value: formatQemuVersion(profile.qemuVersion.value) },
    qemuFlavor: profile.qemuFlavor,
    kvmMemslots: profile.kvmMemslots,
    smm: profile.smm,
    vhostMaxMemRegions: profile.vhostMaxMemRegions,
    unknownVhostUserAssumption: {
      ...profile.unknownVhostUserAssumption, value: formatVhostUserLimit(profile.unknownVhostUserAssumption.value),
    },
    hostCpuVendor: { ...profile.hostCpuVendor, value: profile.hostCpuVendor.value ?? 'unknown' },
    hostPhysBits: { ...profile.hostPhysBits, value: profile.hostPhysBits.value ?? 'unknown' },
    vhostUserBackends: {
      value: profile.vhostUserBackends.map((r) => `${r.pattern}=${formatVhostUserLimit(r.limit)}`).join(', '),
      source: profile.vhostUserBackends[0]?.source ?? 'default',
      origin: profile.vhostUserBackends.length ? profile.vhostUserBackends.map((r) => `${r.origin} (${r.source})`).join('; ') : 'no vhost-user back-end limits configured',
    },
  };
}
