import { kvmMetadataCost } from '../rules/kvm-metadata';
import type { MemoryDeviceResult } from '../simulator';

/**
 * KVM's per-memslot metadata as hovers and the report show it. The figures are the rules' own
 * (server/src/rules/kvm-metadata.ts, the one place they live), so a hover and MS009 never disagree.
 */
export interface MetadataEstimate {
  /** Bytes of guest memory covered by mapped memslots. */
  mappedBytes: number;
  /** KVM address spaces each slot exists in (2 with SMM). */
  addressSpaces: number;
  withTdpMmu: number;
  withoutTdpMmu: number;
}

export function kvmMetadata(mappedBytes: number, addressSpaces: number): MetadataEstimate {
  const cost = kvmMetadataCost(mappedBytes, addressSpaces);
  return { mappedBytes, addressSpaces, withTdpMmu: cost.withTdpMmu, withoutTdpMmu: cost.withoutTdpMmu };
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
