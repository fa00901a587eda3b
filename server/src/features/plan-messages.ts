import type { RefusalReason, Simulation } from '../simulator';

/**
 * The short message of a refused or hanging plan step: what QEMU does and why, naming the device;
 * QEMU's own words go into the related information and the hover.
 */
export function describePlanRefusal(
  step: { command: string; id: string | null; result: string; reason: RefusalReason | null; error: string | null }, simulation: Simulation,
): string {
  const what = step.id ? `${step.command} ${step.id}` : step.command;
  const error = step.error ?? '';
  if (step.result === 'hang') return `QEMU never answers ${what}: the vhost-user back-end is refused and QEMU reconnects forever`;
  const tightest = (kind: 'kvm' | 'vhost'): string => {
    const consumers = simulation.consumers.filter((c) => (kind === 'kvm' ? c.kind === 'kvm' : c.kind !== 'kvm') && c.limit !== null);
    const least = [...consumers].sort((a, b) => (a.limit ?? 0) - (b.limit ?? 0))[0];
    return least ? ` (${least.id} allows ${least.limit})` : '';
  };
  const reason = ((): string => {
    switch (step.reason) {
      case 'auto-decision-refuses-vhost': return 'a memory device already decided its memslots, and this back-end allows fewer than 509';
      case 'vhost-slots-exhausted': return `a vhost back-end has no free memslot left${tightest('vhost')}`;
      case 'kvm-slots-exhausted': return `KVM has no free memslot left${tightest('kvm')}`;
      case 'vhost-limit-below-used': return 'its back-end allows fewer memslots than are in use and reserved';
      case 'dimm-slots-full': return `all ${simulation.machine.slots} DIMM slots are taken`;
      case 'device-memory-full': return 'not enough device memory left below maxmem';
      case 'bus-not-hotpluggable': return 'q35\'s pcie.0 takes no hot-plugged devices; give it a pcie-root-port as bus';
      case 'duplicate-id': return 'the id is already in use';
      default: break;
    }
    if (error.length <= 90) return error;
    return `${error.slice(0, 80)}…`;
  })();
  return `QEMU refuses ${what}: ${reason}`;
}
