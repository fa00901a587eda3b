import { codes } from '../model/codes';
import { formatSize, GiB } from '../model/sizes';
import { bootLayout, machineTypeInfo } from '../simulator/layout';
import { finding, type Rule } from './types';

/**
 * MS008 — device memory ends beyond what the guest CPU can address. On x86 the device-memory
 * region starts at the 1 GiB-aligned end of RAM above 4 GiB and spans (maxmem − ram) + 1 GiB per
 * DIMM slot (hw/i386/pc.c pc_memory_init(), spec §1.7); QEMU refuses the machine with
 * "Address space limit 0x%x < 0x%x phys-bits too low (%u)". CPU models other than host/max have 40
 * physical address bits unless phys-bits= or host-phys-bits=on says otherwise. QEMU also places the
 * 64-bit PCI hole above device memory, so it refuses somewhat earlier than this check: a clean
 * result here is not a guarantee, a finding is.
 */
const defaultPhysBits = 40;

export const maxmemBeyondPhysBits: Rule = {
  ...codes.MS008,
  check(context) {
    const { model, simulation, profile } = context;
    const info = machineTypeInfo(model);
    if (info.family !== 'q35' && info.family !== 'pc') return [];
    if (!simulation.machine.maxmem || simulation.machine.maxmem <= simulation.machine.ramSize) return [];
    const cpuModel = model.cpu.model?.value ?? 'qemu64';
    if (model.cpu.hostPhysBits?.value || (!model.cpu.physBits && (cpuModel === 'host' || cpuModel === 'max'))) return [];
    const bits = model.cpu.physBits?.value ?? defaultPhysBits;
    const layout = bootLayout(model, info, profile.qemuVersion.value);
    const base = Math.ceil((4 * GiB + layout.aboveFourG) / GiB) * GiB;
    const end = base + (simulation.machine.maxmem - simulation.machine.ramSize) + simulation.machine.slots * GiB;
    const limit = 2 ** bits;
    if (end <= limit) return [];
    const hex = (n: number): string => `0x${n.toString(16)}`;
    return [finding(this, {
      message: `QEMU refuses to start: maxmem ${formatSize(simulation.machine.maxmem)} ends at ${formatSize(end)}, beyond what CPU '${cpuModel}' addresses (${bits} bits, ${formatSize(limit)})`,
      qemu: `Address space limit ${hex(limit - 1)} < 0x… phys-bits too low (${bits})`,
      data: { end: hex(end), advice: 'Use -cpu host, or a CPU model with phys-bits= the host supports, or lower maxmem.' },
      range: model.memory.maxmem?.range ?? model.memory.ranges[0] ?? model.headRange,
      related: model.cpu.range ? [{ message: `CPU model '${cpuModel}': ${bits} physical address bits`, range: model.cpu.range }] : [],
    })];
  },
};
