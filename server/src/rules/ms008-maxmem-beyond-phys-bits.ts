import { codes } from '../model/codes';
import { finding, type Rule } from './types';

/**
 * MS008 — the guest-physical address space does not fit the vCPU's physical address bits, so
 * QEMU exits in pc_memory_init() with "Address space limit 0x… < 0x… phys-bits too low (N)"
 * (hw/i386/pc.c). The simulator computes QEMU's layout (simulator/address-space.ts): RAM above
 * 4 GiB (at 1 TiB for an AMD vCPU on 7.1+ machine types when it would reach the HyperTransport
 * hole), the device-memory window (maxmem − ram + 1 GiB per slot), the 64-bit PCI hole; and the
 * vCPU's phys-bits (simulator/guest-cpu.ts). Also the CPU's own refusals of phys-bits and of
 * `-cpu host` without KVM, which QEMU reports before it lays out memory.
 */
export const maxmemBeyondPhysBits: Rule = {
  ...codes.MS008,
  check(context) {
    const { model, simulation } = context;
    const error = simulation.error ?? '';
    const space = simulation.machine.addressSpace;
    const cpuRange = model.cpu.range;
    const cpuName = space?.cpuModel ?? model.cpu.model?.value ?? 'qemu64';
    const reason = simulation.reason;
    if (reason === 'cpu-needs-kvm' || reason === 'cpu-phys-bits-invalid') {
      const what = reason === 'cpu-needs-kvm'
        ? `QEMU refuses -cpu ${cpuName}: it needs KVM, and this command line runs TCG`
        : `QEMU refuses CPU ${cpuName}: ${space && !space.longMode ? 'a 32-bit model takes no phys-bits=' : 'phys-bits must be between 32 and 52'}`;
      return [finding(this, { message: what, range: cpuRange ?? model.headRange, related: [{ message: `QEMU: ${error}`, range: cpuRange ?? model.headRange }] })];
    }
    if (reason !== 'phys-bits' || !space) return [];
    const bits = space.physBits;
    const relocated = space.amdRelocation === 'relocated' ? ' (AMD vCPU: RAM moved to 1 TiB)' : '';
    const range = model.memory.maxmem?.range ?? model.memory.ranges[0] ?? model.headRange;
    const related = [{ message: `QEMU: ${error}`, range }];
    if (cpuRange) related.push({ message: `CPU ${cpuName}: ${bits} physical address bits (${physBitsSource(space.physBitsFrom)})`, range: cpuRange });
    return [finding(this, {
      message: `QEMU refuses to start: addresses reach 0x${space.maxUsedAddress.toString(16)}${relocated}, past ${cpuName}'s ${bits} phys-bits`,
      range,
      related,
      data: {
        maxUsedAddress: space.maxUsedAddress, requiredPhysBits: space.requiredPhysBits, physBits: bits, amdRelocation: space.amdRelocation,
      },
    })];
  },
};

function physBitsSource(from: string): string {
  switch (from) {
    case 'written': return 'phys-bits= as written';
    case 'host': return "the host's, via host-phys-bits";
    case '32-bit': return 'a 32-bit model';
    default: return 'QEMU\'s default for a model without host-phys-bits';
  }
}
