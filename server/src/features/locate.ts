import type { Device, MachineModel, MemoryBackend, Netdev } from '../model/machine';
import { rangeContains, type Position, type Range } from '../model/range';
import { resolveRef } from '../model/references';
import type { ModelRef, Simulation } from '../simulator';

/**
 * What the user points at, found by position in the model (never by re-reading text): the item
 * a hover or an inlay hint is about, and the simulation results that belong to it.
 */
export type Target =
  | { kind: 'machine'; range: Range }
  | { kind: 'memory'; range: Range }
  | { kind: 'backend'; range: Range; backend: MemoryBackend; index: number }
  | { kind: 'device'; range: Range; device: Device; index: number }
  | { kind: 'netdev'; range: Range; netdev: Netdev; index: number };

/** The innermost target at `position`, or undefined when it is on nothing memslot-related. */
export function targetAt(model: MachineModel, position: Position): Target | undefined {
  const hit = (range: Range) => rangeContains(range, position);
  const deviceIndex = model.devices.findIndex((device) => hit(device.range));
  if (deviceIndex >= 0) {
    const device = model.devices[deviceIndex];
    if (device.kind === 'memory-device' || device.kind === 'vhost-device' || device.kind === 'net-device') {
      return { kind: 'device', range: device.range, device, index: deviceIndex };
    }
  }
  const netdevIndex = model.netdevs.findIndex((netdev) => hit(netdev.range));
  if (netdevIndex >= 0) return { kind: 'netdev', range: model.netdevs[netdevIndex].range, netdev: model.netdevs[netdevIndex], index: netdevIndex };
  const backendIndex = model.backends.findIndex((backend) => !backend.implicit && hit(backend.range));
  if (backendIndex >= 0) return { kind: 'backend', range: model.backends[backendIndex].range, backend: model.backends[backendIndex], index: backendIndex };
  const memoryRange = model.memory.ranges.find(hit);
  if (memoryRange) return { kind: 'memory', range: memoryRange };
  if (hit(model.headRange)) return { kind: 'machine', range: model.headRange };
  const machineRange = model.machine.ranges.find(hit);
  if (machineRange) return { kind: 'machine', range: machineRange };
  return undefined;
}

export function sameRef(ref: ModelRef | null | undefined, collection: ModelRef['collection'], index: number): boolean {
  return ref !== null && ref !== undefined && ref.collection === collection && ref.index === index;
}

/** The model item a simulation reference points at, for its range and name. */
export function itemOfRef(model: MachineModel, ref: ModelRef | null | undefined): { range: Range; label: string } | undefined {
  if (!ref) return undefined;
  const item = ref.collection === 'devices' ? model.devices[ref.index]
    : ref.collection === 'netdevs' ? model.netdevs[ref.index]
      : ref.collection === 'backends' ? model.backends[ref.index]
        : undefined;
  if (!item) return undefined;
  return { range: item.range, label: labelOf(item) };
}

export function labelOf(item: Device | Netdev | MemoryBackend): string {
  const name = item.displayName ?? item.id?.value;
  const what = item.kind === 'netdev' ? `netdev ${item.type.value}` : item.kind === 'memory-backend' ? item.type.value : item.driver.value;
  return name ? `${name} (${what})` : what;
}

/** The memory device (and its index) that uses `backend` as memdev, if any. */
export function deviceUsingBackend(model: MachineModel, backend: MemoryBackend): { device: Device; index: number } | undefined {
  const id = backend.id?.value;
  if (id === undefined) return undefined;
  const index = model.devices.findIndex((device) => device.kind === 'memory-device' && device.memdev?.value === id);
  return index >= 0 ? { device: model.devices[index], index } : undefined;
}

/** The vhost consumer a device or netdev owns (vhost-user-fs-pci, a vhost-user netdev, or the netdev a NIC names). */
export function consumerOf(model: MachineModel, simulation: Simulation, target: Target): Simulation['consumers'][number] | undefined {
  if (target.kind === 'device') {
    const own = simulation.consumers.find((consumer) => sameRef(consumer.ref, 'devices', target.index));
    if (own) return own;
    if (target.device.kind === 'net-device' && target.device.netdev) {
      const netdev = resolveRef(model.netdevs, target.device.netdev);
      const netdevIndex = netdev ? model.netdevs.indexOf(netdev) : -1;
      return simulation.consumers.find((consumer) => sameRef(consumer.ref, 'netdevs', netdevIndex));
    }
  }
  if (target.kind === 'netdev') return simulation.consumers.find((consumer) => sameRef(consumer.ref, 'netdevs', target.index));
  return undefined;
}
