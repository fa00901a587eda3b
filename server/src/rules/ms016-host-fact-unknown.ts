import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import { applyProfileOptions, simulate, type HostCpuVendor, type HostProfile, type Simulation } from '../simulator';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS016 — the verdict depends on a host fact nobody declared: the host CPU's vendor (under KVM
 * every CPU model takes it, so an AMD host relocates RAM above 1 TiB, hw/i386/pc.c) or its
 * physical address bits (`-cpu host`/`max` and host-phys-bits=on use them, target/i386/host-cpu.c).
 * The simulator assumes an Intel host with 48 bits; this rule simulates the other vendor and the
 * range of real hosts' bits (39 on Intel desktops to 52) and reports only when the outcome or the
 * refusing device differ (not when only the numbers in QEMU's message do).
 */
const PLAUSIBLE_PHYS_BITS = [39, 52];

function verdict(simulation: Simulation): string {
  return simulation.outcome === 'starts' ? 'starts' : `refuses ("${simulation.error ?? ''}")`;
}

function withHost(profile: HostProfile, overrides: { hostCpuVendor?: HostCpuVendor; hostPhysBits?: number }): HostProfile {
  return applyProfileOptions(profile, overrides, 'directive');
}

function declareFix(context: RuleContext, flag: string, value: string, title: string): Fix {
  return { title, edits: [context.editor.insertDirective(flag, value)] };
}

export const hostFactUnknown: Rule = {
  ...codes.MS016,
  check(context) {
    const { model, profile, simulation } = context;
    const space = simulation.machine.addressSpace;
    if (!space) return [];
    const found = [];
    const range = model.cpu.range ?? model.headRange;
    const directive = (flag: string): string => context.editor.vocabulary.directive(flag, '…');
    if (space.vendorAssumed) {
      const amd = simulate(model, withHost(profile, { hostCpuVendor: 'amd' }));
      const intel = simulate(model, withHost(profile, { hostCpuVendor: 'intel' }));
      if (amd.outcome !== intel.outcome || amd.refusedBy !== intel.refusedBy) {
        found.push(finding(this, {
          message: `Verdict depends on the host CPU vendor: QEMU ${intel.outcome === 'starts' ? 'starts' : 'refuses'} on Intel, ${amd.outcome === 'starts' ? 'starts' : 'refuses'} on AMD`,
          range,
          related: [
            { message: `Under KVM CPU ${space.cpuModel} takes the host's vendor. Intel host: QEMU ${verdict(intel)}; AMD host: QEMU ${verdict(amd)}. Declare it: ${directive('host-cpu-vendor')}, setting memslot.host.cpuVendor or --host-cpu-vendor`, range },
          ],
          data: { fact: 'cpuVendor' },
          fixes: [
            declareFix(context, '--host-cpu-vendor', 'amd', 'Declare the host CPU vendor: AMD'),
            declareFix(context, '--host-cpu-vendor', 'intel', 'Declare the host CPU vendor: Intel'),
          ],
        }));
      }
    }
    if (space.physBitsAssumed) {
      const runs = PLAUSIBLE_PHYS_BITS.map((bits) => ({ bits, simulation: simulate(model, withHost(profile, { hostPhysBits: bits })) }));
      const [low, high] = runs;
      if (low.simulation.outcome !== high.simulation.outcome || low.simulation.refusedBy !== high.simulation.refusedBy) {
        const needed = space.requiredPhysBits;
        found.push(finding(this, {
          message: `Verdict depends on the host's physical address bits: QEMU refuses on hosts with fewer than ${needed}`,
          range,
          related: [
            { message: `CPU ${space.cpuModel} uses the host's phys-bits (Intel desktops 39, Xeons 46 or 52, AMD 48). With 39: QEMU ${verdict(low.simulation)}; with 52: QEMU ${verdict(high.simulation)}. Declare them: ${directive('host-phys-bits')}, setting memslot.host.physBits or --host-phys-bits`, range },
          ],
          data: { fact: 'physBits', requiredPhysBits: needed },
          fixes: [39, 46, 48, 52].map((bits) => declareFix(context, '--host-phys-bits', String(bits), `Declare the host's physical address bits: ${bits}`)),
        }));
      }
    }
    return found;
  },
};
