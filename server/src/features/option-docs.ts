/**
 * One-line documentation of the memory-related QEMU drivers, object types and properties, the
 * libvirt `<memory>` models and `<target>` children, and the `memslot:` directive options: what
 * completion offers and what the hover on such a name says. Written from QEMU's and libvirt's
 * documentation and docs/rules; a name missing here simply gets no entry.
 */

export interface OptionDoc {
  name: string;
  doc: string;
  /** What completion inserts (defaults to the name; properties add `=`). */
  insert?: string;
}

export const deviceDrivers: OptionDoc[] = [
  { name: 'virtio-mem-pci', doc: 'Resizable guest memory: plugs and unplugs blocks up to its memdev size. With dynamic-memslots=on it uses several memslots, decided when it is plugged.' },
  { name: 'pc-dimm', doc: 'A DIMM: its whole memdev as one memslot; needs -m slots= and maxmem=.' },
  { name: 'nvdimm', doc: 'A persistent-memory DIMM (needs -machine nvdimm=on): one memslot, like pc-dimm.' },
  { name: 'virtio-pmem-pci', doc: 'Persistent memory through virtio: its memdev as one memslot.' },
  { name: 'hv-balloon', doc: 'Hyper-V dynamic memory: hot-adds memory into its memdev, several memslots decided at plug time.' },
  { name: 'vhost-user-fs-pci', doc: 'virtiofs through a vhost-user back-end (virtiofsd): counts memory regions against the back-end\'s memslot limit.' },
  { name: 'vhost-user-blk-pci', doc: 'A block device served by a vhost-user back-end (qemu-storage-daemon, SPDK): limited by the back-end\'s memslots.' },
  { name: 'vhost-user-vsock-pci', doc: 'vsock through a vhost-user back-end (vhost-device-vsock).' },
  { name: 'vhost-vsock-pci', doc: 'vsock through the vhost kernel module: limited by max_mem_regions (64 by default).' },
  { name: 'virtio-net-pci', doc: 'A virtio NIC; with a vhost-user or tap vhost=on netdev its back-end\'s memslot limit applies.' },
  { name: 'vfio-pci', doc: 'Host PCI device passthrough: with virtio-mem, VFIO\'s DMA mapping limit applies (MS013).' },
];

export const objectTypes: OptionDoc[] = [
  { name: 'memory-backend-memfd', doc: 'Anonymous shared memory with an fd (share=on by default): what vhost-user back-ends can map.' },
  { name: 'memory-backend-file', doc: 'Memory from a file (hugetlbfs, DAX, tmpfs); share=on for vhost-user.' },
  { name: 'memory-backend-ram', doc: 'Anonymous memory without an fd: vhost-user back-ends cannot map it (MS004).' },
  { name: 'memory-backend-shm', doc: 'POSIX shared memory (QEMU 9.1+), shared by default.' },
  { name: 'memory-backend-epc', doc: 'SGX enclave page cache.' },
];

const common: OptionDoc[] = [
  { name: 'id', doc: 'The id other options refer to, and that memslot names in its findings.' },
];

export const deviceProperties: Record<string, OptionDoc[]> = {
  'virtio-mem': [
    { name: 'memdev', doc: 'The memory backend (its size is the device\'s maximum).' },
    { name: 'requested-size', doc: 'How much the guest should plug now; memslot counts the memslots mapped once the guest has plugged it.' },
    { name: 'dynamic-memslots', doc: 'on: several memslots, decided when plugged from the free slots (a later vhost back-end under 509 slots is refused: MS001); off: one memslot for the whole device.' },
    { name: 'block-size', doc: 'Plug granularity; the size must be a multiple of it (MS007).' },
    { name: 'node', doc: 'Guest NUMA node of the memory.' },
    { name: 'unplugged-inaccessible', doc: 'Unplugged memory is inaccessible to the guest (default on for QEMU 8.1+ machine types).' },
    { name: 'prealloc', doc: 'Preallocate memory when the guest plugs it.' },
    { name: 'memaddr', doc: 'Guest physical address of the device memory.' },
  ],
  'pc-dimm': [
    { name: 'memdev', doc: 'The memory backend: the DIMM\'s size, one memslot.' },
    { name: 'node', doc: 'Guest NUMA node.' },
    { name: 'slot', doc: 'DIMM slot number (< -m slots=).' },
    { name: 'addr', doc: 'Guest physical address.' },
  ],
  'hv-balloon': [
    { name: 'memdev', doc: 'The memory the balloon can hot-add.' },
    { name: 'addr', doc: 'Guest physical address of the hot-add area.' },
  ],
  vhost: [
    { name: 'chardev', doc: 'The -chardev socket of the vhost-user back-end: its path names the back-end (--vhost-user PATH=N).' },
    { name: 'tag', doc: 'virtiofs: the tag the guest mounts.' },
    { name: 'queue-size', doc: 'Virtqueue size.' },
  ],
  'memory-backend': [
    { name: 'size', doc: 'Size of the memory (e.g. 4G).' },
    { name: 'share', doc: 'on: other processes (vhost-user back-ends) can map it; needed with vhost-user (MS004).' },
    { name: 'reserve', doc: 'off: no swap space reserved up front (useful for large virtio-mem backends).' },
    { name: 'prealloc', doc: 'Preallocate all memory at start.' },
    { name: 'mem-path', doc: 'memory-backend-file: the file or directory (hugetlbfs).' },
    { name: 'hugetlb', doc: 'memory-backend-memfd: use huge pages.' },
    { name: 'policy', doc: 'Host NUMA policy (bind, preferred, interleave).' },
    { name: 'host-nodes', doc: 'Host NUMA nodes for the policy.' },
  ],
};

/** The property list for a driver or object type. */
export function propertiesOf(name: string): OptionDoc[] {
  const key = name.startsWith('memory-backend-') ? 'memory-backend'
    : name.startsWith('virtio-mem') ? 'virtio-mem'
      : name === 'pc-dimm' || name === 'nvdimm' || name.startsWith('virtio-pmem') ? 'pc-dimm'
        : name === 'hv-balloon' ? 'hv-balloon'
          : name.startsWith('vhost-') ? 'vhost' : undefined;
  return key ? [...common, ...deviceProperties[key]] : [];
}

export const directiveOptions: OptionDoc[] = [
  { name: '--vhost-user', doc: 'SOCKET=N: the memslot limit of the vhost-user back-end on SOCKET (path, glob or chardev id); N may be nocfg (8).', insert: '--vhost-user ' },
  { name: '--vhost-user-unknown', doc: 'N|nocfg: the limit assumed for back-ends no --vhost-user names (509 by default).', insert: '--vhost-user-unknown ' },
  { name: '--qemu', doc: 'VERSION: the host\'s QEMU version (10.0 by default), e.g. 9.2.', insert: '--qemu ' },
  { name: '--qemu-flavor', doc: 'upstream|rhel: rhel makes virtio-mem dynamic-memslots default to on.', insert: '--qemu-flavor ' },
  { name: '--kvm-memslots', doc: 'N: KVM memslots per address space (32764 on Linux 5.12+, 509 before).', insert: '--kvm-memslots ' },
  { name: '--smm', doc: 'on|off: whether KVM has SMM, a second address space on x86.', insert: '--smm ' },
  { name: '--vhost-max-mem-regions', doc: 'N: the vhost module\'s max_mem_regions, the limit of vhost-kernel devices (64 by default).', insert: '--vhost-max-mem-regions ' },
  { name: 'disable', doc: 'CODE [for ID...]: silence a rule for named devices, or for * (every finding of that code).', insert: 'disable ' },
];

export const libvirtMemoryModels: OptionDoc[] = [
  { name: 'dimm', doc: 'A pc-dimm: one memslot.' },
  { name: 'nvdimm', doc: 'An nvdimm: one memslot.' },
  { name: 'virtio-mem', doc: 'A virtio-mem-pci: resizable; <target dynamicMemslots=\'yes\'> lets it use several memslots.' },
  { name: 'virtio-pmem', doc: 'A virtio-pmem-pci: one memslot.' },
  { name: 'sgx-epc', doc: 'SGX enclave page cache.' },
];

export const libvirtTargetChildren: OptionDoc[] = [
  { name: 'size', doc: 'The device\'s (maximum) size.' },
  { name: 'node', doc: 'Guest NUMA node.' },
  { name: 'block', doc: 'virtio-mem block size.' },
  { name: 'requested', doc: 'virtio-mem: how much the guest should plug now.' },
  { name: 'label', doc: 'nvdimm label area.' },
  { name: 'address', doc: 'Guest physical address (base=).' },
];

export const libvirtTargetAttributes: OptionDoc[] = [
  { name: 'dynamicMemslots', doc: 'virtio-mem: yes = dynamic-memslots=on (several memslots decided at plug time; MS001 with a small back-end after it), no = one memslot.' },
];
