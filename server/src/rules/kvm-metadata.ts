import { GiB, MiB } from '../model/sizes';

/**
 * KVM's per-memslot metadata on x86, per byte of memslot, from the QEMU commit that introduced
 * dynamic-memslots ("virtio-mem: Expose device memory via multiple memslots if enabled", QEMU 8.2,
 * hw/virtio/virtio-mem.c): rmap 8 bytes per 4 KiB, per 2 MiB and per 1 GiB (allocated only without
 * the TDP MMU, or lazily for nested guests); gfn_track 2 bytes per 4 KiB; lpage_info 4 bytes per
 * 2 MiB and per 1 GiB. For 1 TiB that is about 2.5 GiB without the TDP MMU and 512 MiB with it,
 * doubled when SMM gives the VM a second KVM address space. Dirty bitmaps (64 MiB per TiB) only
 * exist while migrating and are left out.
 */
const page = 4096;
const rmapPerByte = 8 / page + 8 / (2 * MiB) + 8 / GiB;
const gfnTrackPerByte = 2 / page;
const lpageInfoPerByte = 4 / (2 * MiB) + 4 / GiB;

export interface MetadataCost {
  withoutTdpMmu: number;
  withTdpMmu: number;
}

export function kvmMetadataCost(mappedBytes: number, addressSpaces: number): MetadataCost {
  const common = (gfnTrackPerByte + lpageInfoPerByte) * mappedBytes * addressSpaces;
  return { withoutTdpMmu: Math.round(common + rmapPerByte * mappedBytes * addressSpaces), withTdpMmu: Math.round(common) };
}

/** Short human size for estimates (MiB precision is plenty). */
export function approximateSize(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(bytes >= 10 * GiB ? 0 : 1)} GiB`;
  if (bytes >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}
