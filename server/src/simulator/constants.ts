/** QEMU's constants that the simulator reproduces (QEMU's messages are in ./messages.ts). */
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** MEMORY_DEVICES_SAFE_MAX_MEMSLOTS (hw/mem/memory-device.c, 8.2+). */
export const SAFE_MAX_MEMSLOTS = 509;
/** MEMORY_DEVICES_SOFT_MEMSLOT_LIMIT: budget for all memory devices together. */
export const SOFT_MEMSLOT_LIMIT = 256;
/** VHOST_MEMORY_BASELINE_NREGIONS: vhost-user back-ends without CONFIGURE_MEM_SLOTS. */
export const VHOST_USER_BASELINE_REGIONS = 8;
/** VIRTIO_MEM_MIN_MEMSLOT_SIZE. */
export const VIRTIO_MEM_MIN_MEMSLOT_SIZE = GiB;
/** hv-balloon memslot granularity. */
export const HV_BALLOON_GRANULARITY = 128 * MiB;
/** ACPI_MAX_RAM_SLOTS: the most `-m slots=` x86 accepts. */
export const MAX_RAM_SLOTS = 256;
/** KVM_MEMSLOTS_NR_MAX_DEFAULT, used when the kernel reports 0. */
export const KVM_DEFAULT_MEMSLOTS = 32;
/** x86 host base page size and THP size: virtio-mem's default block size on such a host. */
export const HOST_PAGE_SIZE = 4 * KiB;
export const THP_SIZE = 2 * MiB;
/** QEMU's default `-m` on x86. */
export const DEFAULT_RAM_SIZE = 128 * MiB;
/** Uncertainty of boot-time KVM slot counts (docs/facts/x86-address-space.md#baseline-uncertainty). */
export const KVM_BASELINE_UNCERTAINTY = 3;
/**
 * VFIO type1 IOMMU DMA mappings when the container does not report them (dma_entry_limit default,
 * docs/facts/memslots.md#vfio-dma-mappings).
 */
export const VFIO_DMA_MAX_MAPPINGS = 65535;
/** The memslot count VFIO's DMA check assumes without KVM (docs/facts/memslots.md#vfio-dma-mappings). */
export const VFIO_MAX_MEMSLOTS_WITHOUT_KVM = 512;
