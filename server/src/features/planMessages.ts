import { messages, type Simulation } from '../simulator';

/**
 * The short message of a refused or hanging plan step: what QEMU does and why, naming the device;
 * QEMU's own words go into the related information and the hover.
 */
export function describePlanRefusal(step: { command: string; id: string | null; result: string; error: string | null }, simulation: Simulation): string {
  const what = step.id ? `${step.command} ${step.id}` : step.command;
  const error = step.error ?? '';
  if (step.result === 'hang') return `QEMU never answers ${what}: the vhost-user back-end is refused and QEMU reconnects forever`;
  const tightest = (kind: 'kvm' | 'vhost'): string => {
    const consumers = simulation.consumers.filter((c) => (kind === 'kvm' ? c.kind === 'kvm' : c.kind !== 'kvm') && c.limit !== null);
    const least = [...consumers].sort((a, b) => (a.limit ?? 0) - (b.limit ?? 0))[0];
    return least ? ` (${least.id} allows ${least.limit})` : '';
  };
  const reason = ((): string => {
    if (error === messages.autoDecisionRefusesVhost) return 'a memory device already decided its memslots, and this back-end allows fewer than 509';
    if (error === messages.vhostNotEnoughFree || error === messages.vhostNoFreeLegacy) return `a vhost back-end has no free memslot left${tightest('vhost')}`;
    if (error === messages.kvmNotEnoughFree || error === messages.kvmNoFreeLegacy) return `KVM has no free memslot left${tightest('kvm')}`;
    if (error.startsWith('vhost backend memory slots limit')) return 'its back-end allows fewer memslots than are in use and reserved';
    if (error === messages.noFreeDimmSlots) return `all ${simulation.machine.slots} DIMM slots are taken`;
    if (error.startsWith('not enough space')) return 'not enough device memory left below maxmem';
    if (error === messages.busNotHotpluggable('pcie.0')) return 'q35\'s pcie.0 takes no hot-plugged devices; give it a pcie-root-port as bus';
    if (/^(Duplicate|attempt to add duplicate|Chardev with id)/.test(error)) return 'the id is already in use';
    if (error.length <= 90) return error;
    return `${error.slice(0, 80)}…`;
  })();
  return `QEMU refuses ${what}: ${reason}`;
}
