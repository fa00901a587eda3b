import type { Device } from '../model/machine';
import { THP_SIZE, VFIO_DMA_MAX_MAPPINGS, VFIO_MAX_MEMSLOTS_WITHOUT_KVM } from './constants';
import { messages } from './messages';
import { openEvent, refuse } from './events';
import { deviceLabel } from './memory-devices';
import type { MemoryDeviceState, SimState } from './state';
import type { EventPhase, ModelRef, SimulationEvent, VfioDmaCheck } from './types';
import { atLeast } from './version';

/**
 * VFIO's DMA mapping check for virtio-mem (docs/facts/memslots.md#vfio-dma-mappings). VFIO registers a RamDiscardManager listener
 * per mapped virtio-mem section and checks, at each registration, the sum over every registered
 * section: mappings (section size / block size) + KVM's memslot limit − sections must stay within
 * the IOMMU's DMA mappings. Up to 10.1 QEMU warns; from 10.2 it is an error: while the VFIO device
 * is realised the device fails ("Region %s: " prefix), afterwards QEMU stops ("vfio: DMA mapping
 * failed, unable to continue").
 *
 * Without dynamic-memslots a virtio-mem device is one section mapped at plug, so it counts at
 * start-up. With dynamic-memslots nothing is mapped at start-up (no memslot is mapped before the
 * guest plugs), so the check can only fail at run time: those devices are recorded as `runtime`
 * checks with every memslot mapped (the worst case) and never change the start-up outcome.
 */

function maxMemslots(state: SimState): number {
  return state.ctx.kvm ? state.ctx.profile.kvmMemslots.value : VFIO_MAX_MEMSLOTS_WITHOUT_KVM;
}

function fatal(state: SimState): boolean {
  return atLeast(state.ctx.version, 10, 2);
}

function mappingsOf(entry: MemoryDeviceState): number {
  return Math.ceil(entry.size / (entry.blockSize ?? THP_SIZE));
}

function registersAtStart(entry: MemoryDeviceState): boolean {
  return entry.kind === 'virtio-mem' && entry.status === 'plugged' && !entry.dynamic;
}

/** Adds one device's sections to the container's totals and records the check QEMU makes. */
function register(state: SimState, entry: MemoryDeviceState, when: VfioDmaCheck['when']): VfioDmaCheck | null {
  const container = state.vfio;
  if (!container) return null;
  const deviceSections = when === 'runtime' ? entry.memslots : 1;
  container.mappings += mappingsOf(entry);
  container.sections += deviceSections;
  const max = maxMemslots(state);
  const check: VfioDmaCheck = {
    id: entry.id, ref: entry.ref, vfio: container.id, vfioRef: container.ref, when, size: entry.size,
    blockSize: entry.blockSize ?? THP_SIZE,
    deviceSections, mappings: container.mappings, sections: container.sections, maxMemslots: max, dmaMaxMappings: VFIO_DMA_MAX_MAPPINGS,
    exceeded: container.mappings + max - container.sections > VFIO_DMA_MAX_MAPPINGS, fatal: fatal(state), refused: false,
  };
  state.vfioChecks.push(check);
  return check;
}

function recordDecision(event: SimulationEvent, check: VfioDmaCheck): void {
  event.decisions.push({
    what: 'vfio-dma-check',
    inputs: {
      id: check.id, mappings: check.mappings, sections: check.sections, maxMemslots: check.maxMemslots,
      dmaMaxMappings: check.dmaMaxMappings,
    },
    result: !check.exceeded, passed: !check.exceeded,
    explanation: `VFIO DMA mappings for ${check.id}: ${check.mappings} block mappings + ${check.maxMemslots} memslots − ${check.sections} section${check.sections === 1 ? '' : 's'} = ${check.mappings + check.maxMemslots - check.sections} ${check.exceeded ? '>' : '≤'} ${check.dmaMaxMappings}`,
  });
}

/**
 * A VFIO device is realised: the first one creates the container and registers every virtio-mem
 * section mapped so far; later ones share it (nothing new to check).
 */
export function realizeVfio(state: SimState, device: Device, ref: ModelRef, phase: EventPhase): SimulationEvent | null {
  const id = deviceLabel(device.id?.value, device.driver.value, ref.index);
  const pending = state.vfio ? [] : state.memoryDevices.filter(registersAtStart);
  if (!state.vfio) state.vfio = { id, ref, mappings: 0, sections: 0 };
  if (pending.length === 0 && phase !== 'hotplug') return null;
  const event = openEvent(state, phase, 'device-add', id, ref);
  for (const entry of pending) {
    const check = register(state, entry, 'startup');
    if (!check) continue;
    recordDecision(event, check);
    if (!check.exceeded) continue;
    if (check.fatal) {
      check.refused = phase !== 'hotplug';
      // [inf] the region is the backend's RAM region, named after the backend id.
      return refuse(event, 'vfio-dma-mappings', messages.vfioDmaMappingsAtRealize(entry.backendId ?? entry.id, check.dmaMaxMappings, check.maxMemslots));
    }
    event.warnings.push(messages.vfioDmaMappings(check.dmaMaxMappings, check.maxMemslots));
  }
  return event;
}

/**
 * A virtio-mem device without dynamic-memslots was plugged after the VFIO container exists: its
 * section is registered at once. From 10.2 a failing check is the run-time path: QEMU reports it
 * and stops ([inf] at start-up too, since the container is already initialised then).
 */
export function registerPluggedVirtioMem(state: SimState, entry: MemoryDeviceState, event: SimulationEvent, phase: EventPhase): void {
  if (!state.vfio || !registersAtStart(entry)) return;
  const check = register(state, entry, 'startup');
  if (!check) return;
  recordDecision(event, check);
  if (!check.exceeded) return;
  if (check.fatal) {
    check.refused = phase !== 'hotplug';
    refuse(event, 'vfio-dma-mappings', messages.vfioDmaMappingFailed);
    return;
  }
  event.warnings.push(messages.vfioDmaMappings(check.dmaMaxMappings, check.maxMemslots));
}

/**
 * After start: virtio-mem devices with dynamic-memslots, each with every memslot mapped (the guest
 * plugged all of it), on top of the start-up sections. Recorded only; QEMU has started.
 */
export function runtimeVfioChecks(state: SimState): void {
  if (!state.vfio) return;
  for (const entry of state.memoryDevices) {
    if (entry.kind === 'virtio-mem' && entry.status === 'plugged' && entry.dynamic) register(state, entry, 'runtime');
  }
}
