import type { Simulation } from './types';

/**
 * Slots in use per consumer id (as in `Simulation.consumers`) once step `step` is done: the KVM
 * address spaces, and every vhost device that counted at that moment with its group's total.
 * Undefined for a step the simulator did not record.
 */
export function usageAfterStep(simulation: Simulation, step: number): Record<string, number> | undefined {
  const totals = simulation.events.find((event) => event.step === step)?.slotsAfter;
  if (!totals) return undefined;
  const usage: Record<string, number> = {};
  if (totals.kvm !== undefined) usage.kvm = totals.kvm;
  if (totals.kvmSmram !== undefined) usage['kvm-smram'] = totals.kvmSmram;
  for (const vhost of simulation.vhostActivity) {
    if (vhost.fromStep <= step && (vhost.untilStep === null || step < vhost.untilStep)) {
      usage[vhost.id] = vhost.kind === 'vhost-user' ? totals.vhostUser : totals.vhostOther;
    }
  }
  return usage;
}
