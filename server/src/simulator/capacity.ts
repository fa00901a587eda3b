import type { MachineModel, MemoryBackend, MemoryDevice } from '../model/machine';
import { idIndex } from '../model/references';
import { GiB } from './constants';
import { messages } from './messages';
import type { HostProfile } from './profile';
import { simulate } from './simulate';
import type { ConsumerResult, HotplugEvent, RefusalReason, Simulation } from './types';

/**
 * Headroom as a question users ask: how many more DIMMs fit (of the last DIMM's size and backend
 * type, else 1 GiB like the boot memory), how much more virtio-mem requested-size, and what stops
 * each. Answered by running the hot-plug itself: the plan, then DIMMs one by one until QEMU
 * refuses one (bounded by the DIMM slots, at most 256 on x86, so linear in the machine).
 */
export interface Capacity {
  dimms: {
    /** DIMMs of `size` that still plug after the plan. */
    count: number;
    size: number;
    backendType: string;
    /** What refuses the next one, null when nothing was tried (no device memory). */
    stoppedBy: CapacityLimit | null;
  };
  virtioMem: Array<{ id: string; requestedSize: number; size: number; more: number; stoppedBy: CapacityLimit }>;
}

export interface CapacityLimit {
  /** `dimm-slots`, `device-memory`, a consumer id (`kvm`, `fs0`...), `hang` (a plan step hangs QEMU), or the virtio-mem's backend id. */
  by: string;
  /** The limit of that consumer or resource (slots, bytes), when it has one. */
  limit: number | null;
  /** What QEMU would say. */
  error: string;
}

const trialPrefix = 'memslot-capacity';
/** More than x86 accepts as slots=, so the trial always ends in a refusal when slots are the limit. */
const MAX_TRIAL_DIMMS = 257;

export function capacity(model: MachineModel, profile: HostProfile, plan: HotplugEvent[], afterPlan: Simulation): Capacity {
  const template = dimmTemplate(model, plan);
  const size = template.size?.value ?? GiB;
  const result: Capacity = {
    dimms: { count: 0, size, backendType: template.type.value, stoppedBy: null },
    virtioMem: afterPlan.memoryDevices
      .filter((d) => d.kind === 'virtio-mem' && d.status === 'plugged')
      .map((d) => {
        const requestedSize = d.requestedSize ?? 0;
        return {
          id: d.id, requestedSize, size: d.size, more: Math.max(0, d.size - requestedSize),
          stoppedBy: { by: d.backend ?? 'memory-backend', limit: d.size, error: messages.qomRequestedSizeTooBig(d.size) },
        };
      }),
  };
  if (afterPlan.outcome !== 'starts' || !afterPlan.machine.maxmem || afterPlan.machine.maxmem <= afterPlan.machine.ramSize) return result;
  if (afterPlan.events.some((event) => event.phase === 'hotplug' && event.result === 'hang')) {
    result.dimms.stoppedBy = { by: 'hang', limit: null, error: 'QEMU never answers a step of the plan' };
    return result;
  }
  const trial: HotplugEvent[] = [...plan];
  const planSteps = plan.length;
  for (let i = 0; i < MAX_TRIAL_DIMMS; i++) {
    trial.push({ kind: 'object_add', backend: { ...template, id: { ...(template.id ?? { range: template.range, origin: 'derived' }), value: `${trialPrefix}-mem${i}` } } });
    trial.push({ kind: 'device_add', device: trialDimm(template, i) });
  }
  const run = simulate(model, profile, trial);
  let count = 0;
  for (const event of run.events) {
    if (event.ref?.collection !== 'hotplug' || event.ref.index < planSteps || (event.ref.index - planSteps) % 2 !== 1) continue;
    if (event.result === 'ok') {
      count++;
      continue;
    }
    result.dimms.stoppedBy = stopper(event.reason, event.error ?? '', run);
    break;
  }
  result.dimms.count = count;
  return result;
}

/** The last DIMM's backend (from the plan, else the command line), else one like the boot memory's. */
function dimmTemplate(model: MachineModel, plan: HotplugEvent[]): MemoryBackend {
  const backends = new Map(idIndex(model.backends));
  let last: MemoryBackend | undefined;
  const consider = (device: MemoryDevice): void => {
    const backend = device.memdev ? backends.get(device.memdev.value) : undefined;
    if (device.memoryKind === 'pc-dimm' && backend) last = backend;
  };
  for (const device of model.devices) if (device.kind === 'memory-device') consider(device);
  for (const step of plan) {
    if (step.kind === 'object_add' && step.backend.id) backends.set(step.backend.id.value, step.backend);
    if (step.kind === 'device_add' && step.device.kind === 'memory-device') consider(step.device);
  }
  if (last) return last;
  const boot = model.machine.memoryBackend ? backends.get(model.machine.memoryBackend.value) : undefined;
  const range = model.headRange;
  const type = boot?.type.value ?? 'memory-backend-ram';
  return {
    kind: 'memory-backend', range, order: -1, syntax: 'json', properties: [],
    type: { value: type, range, origin: 'derived' }, size: { value: GiB, range, origin: 'derived' },
    share: { value: boot?.share.value ?? false, range, origin: 'derived' },
  };
}

function trialDimm(template: MemoryBackend, index: number): MemoryDevice {
  const range = template.range;
  return {
    kind: 'memory-device', memoryKind: 'pc-dimm', range, order: -1, syntax: 'json', properties: [],
    id: { value: `${trialPrefix}-dimm${index}`, range, origin: 'derived' },
    driver: { value: 'pc-dimm', range, origin: 'derived' },
    memdev: { value: `${trialPrefix}-mem${index}`, range, origin: 'derived' },
  };
}

function stopper(reason: RefusalReason | null, error: string, run: Simulation): CapacityLimit {
  if (reason === 'dimm-slots-full' || reason === 'no-dimm-slots') return { by: 'dimm-slots', limit: run.machine.slots, error };
  if (reason === 'device-memory-full') return { by: 'device-memory', limit: run.machine.deviceMemorySpace, error };
  const fullest = (consumers: ConsumerResult[]): ConsumerResult | undefined =>
    [...consumers].sort((a, b) => (a.headroom ?? Infinity) - (b.headroom ?? Infinity))[0];
  if (reason === 'kvm-slots-exhausted') {
    const kvm = fullest(run.consumers.filter((c) => c.kind === 'kvm'));
    return { by: kvm?.id ?? 'kvm', limit: kvm?.limit ?? null, error };
  }
  if (reason === 'vhost-slots-exhausted') {
    const vhost = fullest(run.consumers.filter((c) => c.kind !== 'kvm' && c.limit !== null));
    return { by: vhost?.id ?? 'vhost', limit: vhost?.limit ?? null, error };
  }
  return { by: 'qemu', limit: null, error };
}
