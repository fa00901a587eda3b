import type { HostProfile, ProfileSource, Simulation } from '../simulator';

/** One value the verdict depends on that the file cannot say, with who set it. */
export interface HostAssumption {
  name: string;
  value: string;
  source: ProfileSource | 'qemu' | 'assumed';
  origin: string;
}

const labels: Record<string, string> = {
  qemuVersion: 'QEMU version',
  qemuFlavor: 'QEMU flavour',
  kvmMemslots: 'KVM memslots per address space',
  smm: 'SMM (second KVM address space)',
  vhostMaxMemRegions: 'vhost-kernel max_mem_regions',
  unknownVhostUserAssumption: 'unknown vhost-user backend limit',
  hostCpuVendor: 'host CPU vendor',
  hostPhysBits: 'host physical address bits',
};

/**
 * The host profile as the simulation used it, plus each vhost backend's limit with where it came
 * from (a settings entry, a CLI flag, a file directive, QEMU itself, or an assumption).
 */
export function hostAssumptions(simulation: Simulation, profile?: HostProfile): HostAssumption[] {
  // vhost-user rules are listed one by one from the profile itself, below.
  const entries = Object.entries(simulation.profile).filter(([key]) => !(profile && key === 'vhostUserBackends'));
  const out: HostAssumption[] = entries.map(([key, entry]) => ({
    name: labels[key] ?? key,
    value: typeof entry.value === 'boolean' ? (entry.value ? 'on' : 'off') : String(entry.value),
    source: entry.source,
    origin: entry.origin,
  }));
  for (const rule of profile?.vhostUserBackends ?? []) {
    out.push({
      name: `vhost-user backend ${rule.pattern}`,
      value: rule.limit === 'no-configure-mem-slots' ? '8 (no CONFIGURE_MEM_SLOTS)' : String(rule.limit),
      source: rule.source,
      origin: rule.origin,
    });
  }
  for (const consumer of simulation.consumers) {
    // Limits set by a profile rule are listed above, with the rule.
    if (consumer.kind === 'kvm' || (profile && consumer.limitKnown && consumer.kind === 'vhost-user' && consumer.limitSource.source !== 'qemu')) continue;
    out.push({
      name: `${consumer.kind} ${consumer.id} limit`,
      value: consumer.limit === null ? 'no limit' : String(consumer.limit),
      source: consumer.limitSource.source,
      origin: consumer.limitSource.origin,
    });
  }
  return out;
}

export function sourceLabel(source: HostAssumption['source']): string {
  switch (source) {
    case 'default': return 'default';
    case 'settings': return 'settings';
    case 'cli': return 'CLI';
    case 'directive': return 'file directive';
    case 'script': return 'started in the script';
    case 'qemu': return 'QEMU';
    case 'assumed': return 'assumed';
  }
}
