import type { MemoryBackend, MemoryDevice } from '../model/machine';
import { GiB, HOST_PAGE_SIZE, THP_SIZE } from './constants';
import { messages } from './messages';
import type { MemoryDeviceState, SimState } from './state';

/**
 * Where DIMMs sit: their `slot` (pc_dimm_get_free_slot) and guest-physical range
 * (memory_device_get_free_addr), so a hot-added DIMM that names a taken slot or an overlapping
 * `addr` gets QEMU's answer. Checked against QEMU 10.0.2 (test/oracle/hotplug-plans.test.ts).
 * x86 only: the device-memory region starts at the first GiB boundary above the RAM above 4 GiB
 * and spans maxmem − ram plus 1 GiB per DIMM slot (pc_memory_init with enforce_aligned_dimm).
 * Placement without `addr` is first fit from the start of the region, in plug order [inf]:
 * enough for DIMMs of whole GiB; virtio-mem alignment gaps are not modelled.
 */

function numberProperty(device: MemoryDevice, key: string): number | undefined {
  const property = device.properties.find((p) => p.key === key);
  if (property === undefined) return undefined;
  const value = typeof property.value === 'number' ? property.value : Number(property.value);
  return Number.isSafeInteger(value) ? value : undefined;
}

const isDimm = (kind: MemoryDeviceState['kind']): boolean => kind === 'pc-dimm' || kind === 'nvdimm';

/** Slots the plugged DIMMs hold: written ones first, the others take the lowest free slot in plug order. */
function takenSlots(state: SimState): Set<number> {
  const taken = new Set<number>();
  const plugged = state.memoryDevices.filter((d) => d.status === 'plugged' && isDimm(d.kind));
  const unassigned: MemoryDeviceState[] = [];
  for (const dimm of plugged) {
    const slot = numberProperty(dimm.device, 'slot');
    if (slot === undefined || slot < 0) unassigned.push(dimm);
    else taken.add(slot);
  }
  let next = 0;
  for (let i = 0; i < unassigned.length; i++) {
    while (taken.has(next)) next++;
    taken.add(next);
  }
  return taken;
}

/** QEMU's answer to a DIMM with `slot=N` when that slot cannot be used, else null. */
export function dimmSlotError(state: SimState, device: MemoryDevice): string | null {
  const slot = numberProperty(device, 'slot');
  if (slot === undefined || slot < 0) return null;
  const slots = state.ctx.layout.slots;
  if (slot >= slots) return messages.invalidSlot(slot, slots);
  return takenSlots(state).has(slot) ? messages.slotBusy(slot) : null;
}

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** The device-memory region [start, start + size) of a pc/q35 machine. */
export function deviceMemoryRegion(state: SimState): { start: number; size: number } {
  const { layout } = state.ctx;
  return { start: alignUp(4 * GiB + layout.aboveFourG, GiB), size: layout.deviceMemorySpace + layout.slots * GiB };
}

/**
 * A memory region's alignment: the backend's page size for fd-backed memory, QEMU's 2 MiB
 * anonymous-memory alignment for memory-backend-ram [emp: 0x1000 for memfd on QEMU 10.0.2].
 */
function backendAlignment(backend: MemoryBackend): number {
  if (backend.hugetlb?.value) return backend.hugetlbSize?.value ?? THP_SIZE;
  return backend.type.value === 'memory-backend-ram' ? THP_SIZE : HOST_PAGE_SIZE;
}

interface Placed {
  id: string;
  start: number;
  end: number;
}

/** The ranges of the plugged memory devices, in plug order, as first fit places the ones without `addr`. */
function placedDevices(state: SimState, region: { start: number; size: number }): Placed[] {
  const placed: Placed[] = [];
  for (const device of state.memoryDevices) {
    if (device.status !== 'plugged' || device.kind === 'hv-balloon') continue;
    const backend = device.backendId === null ? undefined : state.backends.get(device.backendId);
    const align = backend ? backendAlignment(backend) : HOST_PAGE_SIZE;
    const written = numberProperty(device.device, 'addr') ?? device.device.memaddr?.value;
    const start = written ?? firstFit(placed, region.start, device.size, align);
    placed.push({ id: device.id, start, end: start + device.size });
  }
  return placed;
}

function firstFit(placed: Placed[], from: number, size: number, align: number): number {
  let start = alignUp(from, align);
  for (const other of [...placed].sort((a, b) => a.start - b.start)) {
    if (start + size <= other.start) break;
    if (other.end > start) start = alignUp(other.end, align);
  }
  return start;
}

/** QEMU's answer to a memory device with an `addr` it cannot use, else null (x86 pc/q35 only). */
export function addressError(state: SimState, device: MemoryDevice, backend: MemoryBackend, size: number): string | null {
  const family = state.ctx.machineType.family;
  if (family !== 'q35' && family !== 'pc') return null;
  const addr = numberProperty(device, 'addr') ?? device.memaddr?.value;
  if (addr === undefined) return null;
  const align = backendAlignment(backend);
  if (addr % align !== 0) return messages.addressNotAligned(align);
  const region = deviceMemoryRegion(state);
  if (addr < region.start || addr + size > region.start + region.size) return messages.addressOutsideRegion(addr, size, region.start, region.size);
  const conflict = placedDevices(state, region).find((other) => addr < other.end && other.start < addr + size);
  return conflict ? messages.addressConflict(conflict.id) : null;
}
