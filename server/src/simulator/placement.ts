import type { MemoryBackend, MemoryDevice } from '../model/machine';
import { HOST_PAGE_SIZE, KiB, MiB, GiB } from './constants';
import { messages } from './messages';
import type { RefusalReason } from './types';

/**
 * Where QEMU puts a memory device (hw/mem/pc-dimm.c, hw/mem/memory-device.c, QEMU 10):
 * - a DIMM's slot: `slot=` if free and in range, else the lowest free one (realised DIMMs only);
 * - the region must be a multiple of its memory region's alignment;
 * - the address: `addr=`/`memaddr=` (0 means none) must be aligned and inside the device-memory
 *   window and overlap no device; without it, the first gap from the window's start, walking the
 *   plugged devices by address and aligning up after each one it overlaps.
 */
export interface PlacedRegion {
  id: string;
  /** The id QEMU prints in "conflicts with memory device id='…'" ("(unnamed)" without one). */
  qemuId: string;
  start: number;
  size: number;
}

/** QEMU_VMALLOC_ALIGN on x86_64 Linux: anonymous RAM (and memory-backend-ram,share=on) is 2 MiB aligned. */
const VMALLOC_ALIGN = 2 * MiB;

function backendProperty(backend: MemoryBackend, key: string): string | undefined {
  let value: string | undefined;
  for (const property of backend.properties) if (property.key === key) value = String(property.value);
  return value;
}

/** memory_region_get_alignment() of the backend's RAM block. */
export function regionAlignment(backend: MemoryBackend): number {
  switch (backend.type.value) {
    case 'memory-backend-ram':
      return VMALLOC_ALIGN;
    case 'memory-backend-memfd':
      return backend.hugetlb?.value ? backend.hugetlbSize?.value ?? 2 * MiB : HOST_PAGE_SIZE;
    case 'memory-backend-file': {
      const align = Number(backendProperty(backend, 'align') ?? NaN);
      // The page size of the file system behind mem-path: hugetlbfs mounts are named so by convention.
      const path = backend.memPath?.value ?? '';
      const page = /hugepages?[-_]?1G/i.test(path) ? GiB : /huge/i.test(path) ? 2 * MiB : HOST_PAGE_SIZE;
      return Number.isFinite(align) && align > page ? align : page;
    }
    default:
      return HOST_PAGE_SIZE;
  }
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
export type SlotResult = { slot: number; explanation: string } | { error: string; reason: RefusalReason; explanation: string };

/** pc_dimm_pre_plug(): `slot=` (−1: none) checked against -m slots= and the realised DIMMs. */
export function assignSlot(written: number | undefined, slots: number, taken: ReadonlySet<number>): SlotResult {
  if (written !== undefined && written !== -1 && (written < 0 || written >= slots)) {
    return { error: messages.invalidSlot(written, slots), reason: 'dimm-slot-unusable', explanation: `slot=${written} is outside the ${slots} DIMM slot(s) of -m slots=` };
  }
  if (slots <= 0) return { error: messages.noDimmSlots, reason: 'no-dimm-slots', explanation: 'no DIMM slots: -m has no slots=' };
  if (written !== undefined && written !== -1) {
    if (taken.has(written)) return { error: messages.slotBusy(written), reason: 'dimm-slot-unusable', explanation: `slot ${written} is already taken by a realised DIMM` };
    return { slot: written, explanation: `slot ${written} as written` };
  }
  for (let slot = 0; slot < slots; slot++) {
    if (!taken.has(slot)) return { slot, explanation: `slot ${slot}: the lowest free of ${slots}` };
  }
  return { error: messages.noFreeDimmSlots, reason: 'dimm-slots-full', explanation: `all ${slots} DIMM slots are taken` };
}

/** Why an address is refused, for rules (QEMU's text is display only). */
export type AddressProblem = 'unaligned' | 'outside-window' | 'conflict' | 'no-gap';

export type AddressResult =
  | { addr: number; explanation: string }
  | { error: string; problem: AddressProblem; explanation: string; conflictWith?: string };

/** memory_device_get_free_addr(); `placed` is sorted by start address. */
export function findAddress(
  window: { base: number; size: number }, placed: readonly PlacedRegion[], hint: number | undefined, align: number, size: number,
): AddressResult {
  const windowEnd = window.base + window.size;
  const hinted = hint !== undefined && hint !== 0;
  if (hinted && hint % align !== 0) return { error: messages.addressNotAligned(align), problem: 'unaligned', explanation: `address ${hex(hint)} is not a multiple of the region's alignment ${hex(align)}` };
  let start: number;
  if (hinted) {
    if (size === 0 || hint < window.base || hint + size > windowEnd) {
      return {
        error: messages.outsideWindow(hint, size, window.base, window.size), problem: 'outside-window',
        explanation: `[${hex(hint)}, ${hex(hint + size)}) is not inside the device-memory window [${hex(window.base)}, ${hex(windowEnd)})`,
      };
    }
    start = hint;
  } else {
    if (size === 0) return { error: messages.tooBig, problem: 'no-gap', explanation: 'an empty region cannot be placed' };
    start = Math.ceil(window.base / align) * align;
  }
  for (const region of placed) {
    const overlaps = region.start < start + size && start < region.start + region.size;
    if (overlaps) {
      if (hinted) {
        return {
          error: messages.conflict(region.qemuId), problem: 'conflict', conflictWith: region.id,
          explanation: `[${hex(start)}, ${hex(start + size)}) overlaps ${region.id} at [${hex(region.start)}, ${hex(region.start + region.size)})`,
        };
      }
      start = Math.ceil((region.start + region.size) / align) * align;
    } else if (region.start >= start + size) break;
  }
  if (start < window.base || start + size > windowEnd) {
    return { error: messages.fragmented, problem: 'no-gap', explanation: `no ${hex(align)}-aligned gap of ${hex(size)} bytes is left in the device-memory window` };
  }
  return {
    addr: start,
    explanation: hinted ? `at ${hex(start)} as written` : `at ${hex(start)}: the first ${align >= GiB ? `${align / GiB} GiB` : align >= MiB ? `${align / MiB} MiB` : `${align / KiB} KiB`}-aligned gap in the device-memory window`,
  };
}

/** Keeps `placed` sorted by start (QEMU walks its devices in address order). */
export function insertRegion(placed: PlacedRegion[], region: PlacedRegion): void {
  let index = placed.length;
  while (index > 0 && (placed[index - 1]?.start ?? -Infinity) > region.start) index--;
  placed.splice(index, 0, region);
}

export function removeRegion(placed: PlacedRegion[], id: string): void {
  const index = placed.findIndex((region) => region.id === id);
  if (index >= 0) placed.splice(index, 1);
}

/** Alignment QEMU asks of a memory device's address: the region's, and virtio-mem's block size. */
export function deviceAlignment(device: MemoryDevice, backend: MemoryBackend, blockSize: number | null): number {
  const region = regionAlignment(backend);
  return device.memoryKind === 'virtio-mem' && blockSize !== null ? Math.max(region, blockSize) : region;
}
