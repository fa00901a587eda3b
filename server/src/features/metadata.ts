import { GiB, KiB, MiB, TiB } from '../model/sizes';
import type { MemoryDeviceResult } from '../simulator';

/**
 * KVM's per-memslot metadata, in one place. ../shared/spec/qemu-memslots.md §4 only says that SMM
 * doubles it (every slot exists once per KVM address space); the per-TiB figures below follow
 * from the x86 KVM structures allocated for each memslot (kvm_alloc_memslot_metadata):
 * - rmap arrays, 8 bytes per page at each level (4 KiB, 2 MiB, 1 GiB): 2 GiB + 4 MiB + 8 KiB per
 *   TiB, allocated only when the shadow MMU is in use (tdp_mmu=0, or nested guests);
 * - lpage_info, 4 bytes per 2 MiB and per 1 GiB page: 2 MiB + 4 KiB per TiB, always.
 * Dirty bitmaps (32 MiB per TiB, twice) exist only while dirty logging (migration) runs.
 */
export const kvmMetadataPerTiB = {
  tdpMmu: 2 * MiB + 4 * KiB,
  shadowMmu: 2 * GiB + 4 * MiB + 8 * KiB + 2 * MiB + 4 * KiB,
} as const;

export interface MetadataEstimate {
  /** Bytes of guest memory covered by mapped memslots. */
  mappedBytes: number;
  /** KVM address spaces each slot exists in (2 with SMM). */
  addressSpaces: number;
  withTdpMmu: number;
  withoutTdpMmu: number;
}

export function kvmMetadata(mappedBytes: number, addressSpaces: number): MetadataEstimate {
  const scale = (perTiB: number) => Math.round((mappedBytes / TiB) * perTiB * addressSpaces);
  return { mappedBytes, addressSpaces, withTdpMmu: scale(kvmMetadataPerTiB.tdpMmu), withoutTdpMmu: scale(kvmMetadataPerTiB.shadowMmu) };
}

/**
 * Guest memory a memory device keeps mapped in KVM: a device with one static memslot maps all of
 * it at once; a dynamic-memslots device maps whole memslots only as the guest plugs memory.
 */
export function mappedBytesOf(device: MemoryDeviceResult, when: 'start' | 'after-guest-plug'): number {
  const mapped = when === 'start' ? device.mapped : device.mappedAfterGuestPlug;
  if (device.memslotSize !== null && device.memslots > 1) return mapped * device.memslotSize;
  return mapped > 0 ? device.size : 0;
}
