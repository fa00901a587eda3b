/**
 * Oracle scenarios for the x86 guest-physical address space (issue 9): RAM below/above 4 GiB, the
 * device-memory window with its per-slot 1 GiB slack, the 64-bit PCI hole and its size, AMD's
 * HyperTransport-hole relocation (machine types 7.1+, AMD-vendor vCPU), phys-bits per CPU model,
 * and DIMM slot/address placement. Every scenario runs under TCG with a named CPU model, so the
 * vendor and phys-bits are the model's own on any host (under KVM a named model would take the
 * host's vendor, which the profile's --host-cpu-vendor covers in unit tests only: this machine has
 * no KVM). All start paused with small RAM; maxmem is only reserved address space.
 *
 * `spec` holds what QEMU's source (hw/i386/pc.c pc_memory_init, hw/mem/memory-device.c) gives,
 * worked out by hand in the comment beside each scenario.
 */
import type { Scenario } from './scenarios';

const TCG = 'qemu-system-x86_64 -accel tcg -nodefaults -display none -S';
const q35 = (cpu: string, memory: string, machine = 'q35') => `${TCG} -M ${machine} -cpu ${cpu} -m ${memory}`;
const PHYS_TOO_LOW = (limit: string, used: string, bits: number) => `Address space limit ${limit} < ${used} phys-bits too low (${bits})`;
const LIMIT_40 = '0xffffffffff';
const dimm = (id: string, extra = '', backend = 'memory-backend-ram', size = '1G') =>
  `-object ${backend},id=${id}-mem,size=${size} -device pc-dimm,id=${id},memdev=${id}-mem${extra}`;
/** q35, 1 GiB of RAM (all below 4 GiB), 4 slots: window [4 GiB, +15 GiB + 4 × 1 GiB). */
const SMALL = q35('Skylake-Client', '1G,slots=4,maxmem=16G');

export const addressSpaceScenarios: Scenario[] = [
  // --- phys-bits and the AMD relocation (q35: 2 GiB below, 2 GiB above 4 GiB for -m 4G) ---
  {
    // Intel: window at 6 GiB + 996 GiB = 1002 GiB; hole64 32 GiB → 1034 GiB − 1.
    name: 'layout: Intel vCPU, maxmem 1000G exceeds 40 bits', ref: 'pc.c pc_memory_init',
    cmd: q35('Skylake-Client', '4G,maxmem=1000G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1027fffffff', 40) },
  },
  {
    // qemu64 is AMD under TCG: 1034 GiB ≥ 0xfd00000000 → RAM above 4 GiB at 1 TiB: 1026 + 996 + 32 = 2054 GiB − 1.
    name: 'layout: default qemu64 is AMD under TCG and relocates', ref: 'pc.c AMD_HT_START',
    cmd: `${TCG} -M q35 -m 4G,maxmem=1000G`, spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x2017fffffff', 40) },
  },
  {
    // 6 + 896 + 32 = 934 GiB < 1012 GiB: no relocation, fits 40 bits.
    name: 'layout: AMD vCPU below the HyperTransport hole starts', ref: 'pc.c AMD_HT_START',
    cmd: q35('EPYC', '4G,maxmem=900G'), spec: { outcome: 'starts' },
  },
  {
    // 6 + 976 + 32 = 1014 GiB: fits 40 bits for Intel...
    name: 'layout: Intel vCPU, maxmem 980G fits 40 bits', ref: 'pc.c pc_memory_init',
    cmd: q35('Skylake-Client', '4G,maxmem=980G'), spec: { outcome: 'starts' },
  },
  {
    // ...but reaches 0xfd00000000 (1012 GiB) for AMD: 1026 + 976 + 32 = 2034 GiB − 1.
    name: 'layout: AMD vCPU, maxmem 980G relocates above 1 TiB and exceeds 40 bits', ref: 'pc.c AMD_HT_START',
    cmd: q35('EPYC', '4G,maxmem=980G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1fc7fffffff', 40) },
  },
  {
    name: 'layout: pc-q35-7.0 does not relocate for AMD', ref: 'pc_q35.c enforce_amd_1tb_hole',
    cmd: q35('EPYC', '4G,maxmem=980G', 'pc-q35-7.0'), spec: { outcome: 'starts' },
  },
  {
    name: 'layout: pc-q35-7.1 relocates for AMD', ref: 'pc_q35.c enforce_amd_1tb_hole',
    cmd: q35('EPYC', '4G,maxmem=980G', 'pc-q35-7.1'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1fc7fffffff', 40) },
  },
  {
    // pc: 3 GiB below, 1 GiB above: 5 + 1011 + 2 = 1018 GiB ≥ 1012 GiB → 1025 + 1011 + 2 = 2038 GiB − 1.
    name: 'layout: pc (i440fx) relocates for AMD', ref: 'pc_piix.c, pc.c',
    cmd: q35('EPYC', '4G,maxmem=1015G', 'pc'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1fd7fffffff', 40) },
  },
  {
    name: 'layout: pc-i440fx-6.2 keeps RAM below the hole for AMD', ref: 'pc_piix.c enforce_amd_1tb_hole',
    cmd: q35('EPYC', '4G,maxmem=1015G', 'pc-i440fx-6.2'), spec: { outcome: 'starts' },
  },
  {
    name: 'layout: AMD relocation fits phys-bits=48', ref: 'pc.c pc_memory_init',
    cmd: q35('EPYC,phys-bits=48', '4G,maxmem=1000G'), spec: { outcome: 'starts' },
  },
  {
    name: 'layout: vendor=GenuineIntel on an AMD model does not relocate', ref: 'cpu.c vendor property',
    cmd: q35('EPYC,vendor=GenuineIntel', '4G,maxmem=1000G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1027fffffff', 40) },
  },
  {
    name: 'layout: vendor=AuthenticAMD on an Intel model relocates', ref: 'cpu.c vendor property',
    cmd: q35('Skylake-Client,vendor=AuthenticAMD', '4G,maxmem=1000G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x2017fffffff', 40) },
  },
  {
    // No RAM above 4 GiB, yet the AMD relocation moves the (empty) high RAM and the window to 1 TiB: 1024 + 999 + 32 = 2055 GiB − 1.
    name: 'layout: AMD relocation with 1G of RAM moves the window to 1 TiB', ref: 'pc.c pc_above_4g_end',
    cmd: q35('EPYC', '1G,maxmem=1000G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x201bfffffff', 40) },
  },
  {
    name: 'layout: -cpu max is AMD with 40 bits under TCG', ref: 'cpu.c max_x86_cpu_initfn',
    cmd: q35('max', '4G,maxmem=1000G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x2017fffffff', 40) },
  },
  {
    // host-phys-bits only acts under KVM (host-cpu.c): TCG keeps 40 bits, so 1014 GiB fits although the limit says 39.
    name: 'layout: host-phys-bits-limit is ignored under TCG', ref: 'host-cpu.c host_cpu_realizefn',
    cmd: q35('Skylake-Client,host-phys-bits=on,host-phys-bits-limit=39', '4G,maxmem=980G'), spec: { outcome: 'starts' },
  },
  {
    // 6 + 36 + 32 = 74 GiB > 64 GiB.
    name: 'layout: phys-bits=36 is too low for maxmem 40G', ref: 'pc.c pc_memory_init',
    cmd: q35('Skylake-Client,phys-bits=36', '4G,maxmem=40G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW('0xfffffffff', '0x127fffffff', 36) },
  },
  {
    name: 'layout: phys-bits=60 is out of range', ref: 'cpu.c x86_cpu_realizefn',
    cmd: q35('Skylake-Client,phys-bits=60', '1G'), spec: { outcome: 'refused', error: 'phys-bits should be between 32 and 52  (but is 60)' },
  },
  {
    name: 'layout: -cpu host needs KVM', ref: 'cpu.c x86_cpu_realizefn',
    cmd: q35('host', '1G'), spec: { outcome: 'refused', error: "CPU model 'host' requires KVM or HVF" },
  },
  {
    // 32-bit model: no 64-bit PCI hole; the window's end counts: 4 + 69 + 1 = 74 GiB − 1 > 2^36 − 1.
    name: 'layout: 32-bit pentium3 with device memory beyond 36 bits', ref: 'pc.c pc_max_used_gpa',
    cmd: q35('pentium3', '1G,slots=1,maxmem=70G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW('0xfffffffff', '0x127fffffff', 36) },
  },
  {
    name: 'layout: 32-bit pentium3 on pc-q35-8.1 is not checked', ref: 'pc.c broken_32bit_mem_addr_check',
    cmd: q35('pentium3', '1G,slots=1,maxmem=70G', 'pc-q35-8.1'), spec: { outcome: 'starts' },
  },

  // --- the window's per-slot slack and the 64-bit PCI hole's size ---
  {
    // 6 + 976 + 32 × 1 GiB of slack = 1014 GiB window end, + 32 GiB hole = 1046 GiB − 1.
    name: 'layout: 32 slots add 32 GiB of slack', ref: 'pc.c pc_get_device_memory_range',
    cmd: q35('Skylake-Client', '4G,slots=32,maxmem=980G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1057fffffff', 40) },
  },
  {
    // 6 + 956 + 64 = 1026 GiB − 1.
    name: 'layout: q35-pcihost.pci-hole64-size=64G', ref: 'q35.c pci-hole64-size',
    cmd: `${q35('Skylake-Client', '4G,maxmem=960G')} -global q35-pcihost.pci-hole64-size=64G`,
    spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1007fffffff', 40) },
  },
  {
    name: 'layout: q35-pcihost.pci-hole64-size=1G lets maxmem 1000G fit', ref: 'q35.c pci-hole64-size',
    cmd: `${q35('Skylake-Client', '4G,maxmem=1000G')} -global q35-pcihost.pci-hole64-size=1G`, spec: { outcome: 'starts' },
  },
  {
    // pc: 5 + 996 + 32 = 1033 GiB − 1.
    name: 'layout: i440FX-pcihost.pci-hole64-size=32G', ref: 'i440fx.c pci-hole64-size',
    cmd: `${q35('Skylake-Client', '4G,maxmem=1000G', 'pc')} -global i440FX-pcihost.pci-hole64-size=32G`,
    spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1023fffffff', 40) },
  },
  {
    // 1 GiB below, 3 GiB above: 7 + 986 + 32 = 1025 GiB − 1 (the default split ends exactly at 1 TiB).
    name: 'layout: max-ram-below-4g=1G moves RAM above 4 GiB', ref: 'pc_q35.c max-ram-below-4g',
    cmd: q35('Skylake-Client', '4G,maxmem=990G', 'q35,max-ram-below-4g=1G'), spec: { outcome: 'refused', error: PHYS_TOO_LOW(LIMIT_40, '0x1003fffffff', 40) },
  },
  {
    name: 'layout: default split, maxmem 990G ends exactly at 1 TiB', ref: 'pc_q35.c',
    cmd: q35('Skylake-Client', '4G,maxmem=990G'), spec: { outcome: 'starts' },
  },

  // --- DIMM slots and addresses (window [0x100000000, +0x4c0000000) for SMALL) ---
  {
    name: 'dimm: two DIMMs at the same addr', ref: 'memory-device.c memory_device_get_free_addr',
    cmd: `${SMALL} ${dimm('d0', ',addr=0x100000000')} ${dimm('d1', ',addr=0x100000000')}`,
    spec: { outcome: 'refused', refusedBy: 'd1', error: "address range conflicts with memory device id='d0'" },
  },
  {
    name: 'dimm: addr not aligned to the backend', ref: 'memory-device.c memory_device_get_free_addr',
    cmd: `${SMALL} ${dimm('d0', ',addr=0x100100000')}`, spec: { outcome: 'refused', refusedBy: 'd0', error: 'address must be aligned to 0x200000 bytes' },
  },
  {
    name: 'dimm: addr below the window', ref: 'memory-device.c memory_device_get_free_addr',
    cmd: `${SMALL} ${dimm('d0', ',addr=0x80000000')}`,
    spec: { outcome: 'refused', refusedBy: 'd0', error: "can't add memory device [0x80000000:0x40000000], usable range for memory devices [0x100000000:0x4c0000000]" },
  },
  {
    name: 'dimm: addr past the window end', ref: 'memory-device.c memory_device_get_free_addr',
    cmd: `${SMALL} ${dimm('d0', ',addr=0x5a0000000')}`,
    spec: { outcome: 'refused', refusedBy: 'd0', error: "can't add memory device [0x5a0000000:0x40000000], usable range for memory devices [0x100000000:0x4c0000000]" },
  },
  {
    // d0 at 5 GiB; d1 takes the gap at 4 GiB, d2 goes after d0 (6 GiB), so d3 at 6 GiB conflicts with d2.
    name: 'dimm: automatic placement fills gaps in address order', ref: 'memory-device.c memory_device_get_free_addr',
    cmd: `${SMALL} ${dimm('d0', ',addr=0x140000000')} ${dimm('d1')} ${dimm('d2')} ${dimm('d3', ',addr=0x180000000')}`,
    spec: { outcome: 'refused', refusedBy: 'd3', error: "address range conflicts with memory device id='d2'" },
  },
  {
    // A 1 MiB memfd DIMM is 4 KiB aligned: the next DIMM follows at 4 GiB + 1 MiB, and 0x100100000 is taken.
    name: 'dimm: memfd DIMMs pack at 4 KiB alignment', ref: 'memory-device.c memory_device_get_free_addr',
    cmd: `${SMALL} ${dimm('d0', '', 'memory-backend-memfd', '1M')} ${dimm('d1', '', 'memory-backend-memfd')} ${dimm('d2', ',addr=0x100100000', 'memory-backend-memfd', '4K')}`,
    spec: { outcome: 'refused', refusedBy: 'd2', error: "address range conflicts with memory device id='d1'" },
  },
  {
    name: 'dimm: backend size not a multiple of 2 MiB', ref: 'memory-device.c memory_device_pre_plug',
    cmd: `${SMALL} ${dimm('d0', '', 'memory-backend-ram', '3M')}`, spec: { outcome: 'refused', refusedBy: 'd0', error: 'backend memory size must be multiple of 0x200000' },
  },
  {
    name: 'dimm: slot beyond slots=', ref: 'pc-dimm.c pc_dimm_pre_plug',
    cmd: `${SMALL} ${dimm('d0', ',slot=4')}`, spec: { outcome: 'refused', refusedBy: 'd0', error: 'invalid slot number 4, valid range is [0-3]' },
  },
  {
    name: 'dimm: an automatic slot then the same slot written', ref: 'pc-dimm.c pc_dimm_get_free_slot',
    cmd: `${SMALL} ${dimm('d0')} ${dimm('d1', ',slot=0')}`, spec: { outcome: 'refused', refusedBy: 'd1', error: 'slot 0 is busy' },
  },
  {
    name: 'dimm: slot=-1 means any slot', ref: 'pc-dimm.c pc_dimm_pre_plug',
    cmd: `${SMALL} ${dimm('d0', ',slot=3')} ${dimm('d1', ',slot=-1')} ${dimm('d2')} ${dimm('d3')}`, spec: { outcome: 'starts' },
  },
  {
    name: 'dimm: virtio-mem memaddr on top of a DIMM', ref: 'memory-device.c memory_device_get_free_addr',
    cmd: `${SMALL} ${dimm('d0')} -object memory-backend-ram,id=vm0-mem,size=2G -device virtio-mem-pci,id=vm0,memdev=vm0-mem,memaddr=0x100000000`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: "address range conflicts with memory device id='d0'" },
  },
  {
    // virtio-mem's address is aligned to its block size.
    name: 'dimm: virtio-mem memaddr not aligned to block-size', ref: 'virtio-mem.c get_min_alignment',
    cmd: `${SMALL} -object memory-backend-ram,id=vm0-mem,size=2G -device virtio-mem-pci,id=vm0,memdev=vm0-mem,block-size=128M,memaddr=0x104000000`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: 'address must be aligned to 0x8000000 bytes' },
  },
  {
    // The AMD relocation moves the window to 1026 GiB (0x10080000000), size 996 + 2 GiB: 6 GiB is outside.
    name: 'dimm: the AMD relocation moves the window away from an old addr', ref: 'pc.c pc_memory_init',
    cmd: `${q35('EPYC,phys-bits=48', '4G,slots=2,maxmem=1000G')} ${dimm('d0', ',addr=0x180000000')}`,
    spec: { outcome: 'refused', refusedBy: 'd0', error: "can't add memory device [0x180000000:0x40000000], usable range for memory devices [0x10080000000:0xf980000000]" },
  },
  {
    name: 'dimm: the same addr fits on pc-q35-7.0', ref: 'pc_q35.c enforce_amd_1tb_hole',
    cmd: `${q35('EPYC,phys-bits=48', '4G,slots=2,maxmem=1000G', 'pc-q35-7.0')} ${dimm('d0', ',addr=0x180000000')}`, spec: { outcome: 'starts' },
  },
];
