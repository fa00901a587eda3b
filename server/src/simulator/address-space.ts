import type { MachineModel } from '../model/machine';
import { formatSize, GiB, parseSize, TiB } from '../model/sizes';
import { machineTypeAtMost, ramSplit, type MachineTypeInfo } from './layout';
import type { GuestCpu } from './guest-cpu';

/**
 * The x86 guest-physical address space as pc_memory_init() lays it out (hw/i386/pc.c, QEMU 10):
 * RAM below 4 GiB (pc_q35.c / pc_piix.c split, `max-ram-below-4g`), RAM above 4 GiB, the
 * device-memory window (1 GiB aligned, maxmem − ram + 1 GiB per DIMM slot), then the 64-bit PCI hole
 * (q35-pcihost / i440FX-pcihost `pci-hole64-size`: 32 GiB / 2 GiB). With an AMD-vendor vCPU on
 * machine types from 7.1 on, when the highest address reaches the HyperTransport hole
 * (0xfd00000000), RAM above 4 GiB and everything after it start at 1 TiB. The highest address in
 * use must fit the CPU's phys-bits, or QEMU exits with "Address space limit … phys-bits too low".
 */
/** AMD_HT_START and AMD_ABOVE_1TB_START (hw/i386/pc.c). */
export const AMD_HT_START = 0xfd00000000;
export const AMD_ABOVE_1TB_START = TiB;

/** The last `-global DRIVER.PROPERTY=` size for one of the drivers. */
function globalSize(model: MachineModel, drivers: string[], property: string): number | undefined {
  let value: number | undefined;
  for (const global of model.globals) {
    if (!drivers.includes(global.driver.value) || global.property.value !== property) continue;
    const parsed = parseSize(global.value.value);
    if (parsed.ok) value = parsed.bytes;
  }
  return value;
}

export interface AddressSpace {
  belowFourG: number;
  aboveFourG: number;
  /** 4 GiB, or 1 TiB after the AMD relocation. */
  aboveFourGStart: number;
  amdRelocation: 'relocated' | 'below-hole' | 'not-amd' | 'machine-too-old';
  /** The memory-device window (null without maxmem above ram). */
  deviceMemory: { base: number; size: number } | null;
  /** null for a 32-bit CPU (no 64-bit PCI hole counts). */
  pciHole64: { start: number; size: number; sizeFrom: 'default' | 'global' } | null;
  maxUsedAddress: number;
  physBits: number;
  /** 2^phys-bits − 1. */
  addressLimit: number;
  fits: boolean;
  /** The fewest phys-bits this layout fits (for the host-phys-bits verdict). */
  requiredPhysBits: number;
  explanation: string;
}

function roundUpGiB(n: number): number {
  return Math.ceil(n / GiB) * GiB;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Bits needed to address `address` (at least 32, what QEMU accepts). */
function bitsFor(address: number): number {
  let bits = 32;
  while (2 ** bits - 1 < address) bits++;
  return bits;
}

export function addressSpace(
  model: MachineModel, info: MachineTypeInfo, cpu: GuestCpu, ramSize: number, maxmem: number, slots: number,
): AddressSpace {
  const { below, above } = ramSplit(model, info, ramSize);
  const hasDeviceMemory = maxmem > ramSize;
  const q35 = info.family === 'q35';
  const globalHole = globalSize(model, [q35 ? 'q35-pcihost' : 'i440FX-pcihost'], 'pci-hole64-size');
  const hole64Size = globalHole ?? (q35 ? 32 * GiB : 2 * GiB);

  const layoutFrom = (aboveStart: number) => {
    const aboveEnd = aboveStart + above;
    const deviceMemory = hasDeviceMemory ? { base: roundUpGiB(aboveEnd), size: maxmem - ramSize + GiB * slots } : null;
    // broken_reserved_end (2.4 and older): the hole started at the window's base.
    const reservedEnd = deviceMemory ? deviceMemory.base + (machineTypeAtMost(info, 2, 4) ? 0 : deviceMemory.size) : aboveEnd;
    const hole64Start = roundUpGiB(reservedEnd);
    let maxUsed: number;
    if (cpu.longMode) maxUsed = hole64Start + hole64Size - 1;
    else if (machineTypeAtMost(info, 8, 1)) maxUsed = 2 ** cpu.physBits - 1; // broken_32bit_mem_addr_check
    else maxUsed = (deviceMemory ? deviceMemory.base + deviceMemory.size : aboveEnd) - 1;
    return { deviceMemory, hole64Start, maxUsed };
  };

  let aboveStart = 4 * GiB;
  let amdRelocation: AddressSpace['amdRelocation'] = 'not-amd';
  let layout = layoutFrom(aboveStart);
  if (cpu.vendor === 'amd') {
    // enforce_amd_1tb_hole is off for 7.0 and older machine types.
    if (machineTypeAtMost(info, 7, 0)) amdRelocation = 'machine-too-old';
    else if (layout.maxUsed >= AMD_HT_START) {
      amdRelocation = 'relocated';
      aboveStart = AMD_ABOVE_1TB_START;
      layout = layoutFrom(aboveStart);
    } else amdRelocation = 'below-hole';
  }
  const addressLimit = 2 ** cpu.physBits - 1;
  const fits = layout.maxUsed <= addressLimit;
  const relocationText = {
    relocated: `; the AMD vCPU moves RAM above 4 GiB and what follows to 1 TiB (the highest address would reach the HyperTransport hole at ${hex(AMD_HT_START)})`,
    'below-hole': '',
    'not-amd': '',
    'machine-too-old': `; machine type ${info.name} (7.0 or older) keeps the AMD HyperTransport hole unprotected`,
  }[amdRelocation];
  const windowText = layout.deviceMemory
    ? `, device memory [${hex(layout.deviceMemory.base)}, +${formatSize(layout.deviceMemory.size)}) (maxmem − ram + 1 GiB × ${slots} slot(s))`
    : '';
  const holeText = cpu.longMode ? `, 64-bit PCI hole [${hex(layout.hole64Start)}, +${formatSize(hole64Size)})` : ' (32-bit CPU: no 64-bit PCI hole)';
  return {
    belowFourG: below,
    aboveFourG: above,
    aboveFourGStart: aboveStart,
    amdRelocation,
    deviceMemory: layout.deviceMemory,
    pciHole64: cpu.longMode ? { start: layout.hole64Start, size: hole64Size, sizeFrom: globalHole === undefined ? 'default' : 'global' } : null,
    maxUsedAddress: layout.maxUsed,
    physBits: cpu.physBits,
    addressLimit,
    fits,
    requiredPhysBits: bitsFor(layout.maxUsed),
    explanation: `RAM ${formatSize(below)} below 4 GiB` + (above > 0 ? `, ${formatSize(above)} at ${hex(aboveStart)}` : '') + windowText + holeText +
      relocationText + `: highest address ${hex(layout.maxUsed)} ${fits ? '≤' : '>'} ${hex(addressLimit)} (${cpu.physBits} phys-bits)`,
  };
}
