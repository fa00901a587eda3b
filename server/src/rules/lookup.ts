import type { Device, MachineModel, MemoryBackend, MemoryDevice, ModelItem, Netdev } from '../model/machine';
import type { Range } from '../model/range';
import type { ModelRef, Simulation, SimulationEvent } from '../simulator';

/** Finding model items from the simulator's references, and naming them the way users wrote them. */

export function itemOfRef(model: MachineModel, ref: ModelRef | null | undefined): Device | Netdev | MemoryBackend | undefined {
  if (!ref) return undefined;
  switch (ref.collection) {
    case 'devices': return model.devices[ref.index];
    case 'netdevs': return model.netdevs[ref.index];
    case 'backends': return model.backends[ref.index];
    default: return undefined;
  }
}

/** The id a user would write in a directive: the libvirt alias or QEMU id, else undefined. */
export function userId(item: ModelItem | undefined): string | undefined {
  return item?.displayName ?? item?.id?.value;
}

/** `driver 'id'` or just the driver, for messages. */
export function describeItem(item: Device | Netdev | MemoryBackend | undefined, fallback = 'this device'): string {
  if (!item) return fallback;
  const id = userId(item);
  return id !== undefined ? `${whatOf(item)} '${id}'` : whatOf(item);
}

export function memoryDeviceOf(model: MachineModel, ref: ModelRef): MemoryDevice | undefined {
  const item = itemOfRef(model, ref);
  return item?.kind === 'memory-device' ? item : undefined;
}

/** The event in which QEMU refused the machine (start-up only). */
export function refusalEvent(simulation: Simulation): SimulationEvent | undefined {
  if (simulation.outcome !== 'refused') return undefined;
  return simulation.events.find((e) => e.result === 'refused' && e.phase !== 'hotplug');
}

/** The range to report on for a refusal: the refused item, else the machine's head. */
export function rangeOfRef(model: MachineModel, ref: ModelRef | null | undefined): Range {
  return itemOfRef(model, ref)?.range ?? model.headRange;
}

export function decisionOf(event: SimulationEvent | undefined, what: string): SimulationEvent['decisions'][number] | undefined {
  return event?.decisions.find((d) => d.what === what);
}

/** A copy of the model with some devices changed (fixes are checked by simulating the changed model). */
export function withDevices(model: MachineModel, devices: Device[]): MachineModel {
  return { ...model, devices };
}

/** The short name messages use: the id the user wrote, else the driver (`fs0`, `vhost-user-fs-pci`). */
export function nameOf(item: Device | Netdev | MemoryBackend | undefined, fallback = 'this device'): string {
  if (!item) return fallback;
  return userId(item) ?? whatOf(item);
}

/** What kind of item it is, in QEMU's words: the driver, the backend type, or `netdev TYPE`. */
function whatOf(item: Device | Netdev | MemoryBackend): string {
  return item.kind === 'netdev' ? `netdev ${item.type.value}` : item.kind === 'memory-backend' ? item.type.value : item.driver.value;
}
