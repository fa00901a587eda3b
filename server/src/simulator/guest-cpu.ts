import type { MachineModel } from '../model/machine';
import { parseBoolean } from '../model/sizes';
import { HOST_FACT_ASSUMPTIONS, type HostProfile } from './profile';
import { messages } from './messages';
import type { RefusalReason } from './types';

/**
 * The guest CPU as far as the address space cares: its vendor (AMD's HyperTransport hole) and its
 * physical address bits (the "phys-bits too low" check), resolved the way QEMU 10 does:
 * - vendor: the model's own (target/i386/cpu.c builtin_x86_defs; `max` is AMD under TCG); under
 *   KVM every named model, `host` and `max` take the host's vendor (host-cpu.c
 *   host_cpu_instance_init); a written `vendor=` wins over both (it is applied after instance init);
 * - phys-bits of a 64-bit model: under KVM with host-phys-bits (implied by `host`/`max`) the host's,
 *   capped by host-phys-bits-limit; otherwise phys-bits= as written, or 40 (TCG_PHYS_ADDR_BITS);
 *   a 32-bit model has 36 with PAE/PSE36, else 32, and refuses a written phys-bits.
 */
export type CpuVendor = 'amd' | 'intel' | 'other';

export interface GuestCpu {
  model: string;
  vendor: CpuVendor;
  vendorFrom: 'model' | 'host' | 'written';
  /** The vendor is the host's and the profile does not know it: HOST_FACT_ASSUMPTIONS was used. */
  vendorAssumed: boolean;
  longMode: boolean;
  physBits: number;
  physBitsFrom: 'written' | 'host' | 'default' | '32-bit';
  /** The bits are the host's and the profile does not know them. */
  physBitsAssumed: boolean;
  /** host-phys-bits-limit, when it capped the host's bits. */
  physBitsLimit: number | null;
  /** QEMU's refusal while realising the CPU, if any. */
  error: { reason: RefusalReason; message: string } | null;
  explanation: string;
}

/** TARGET_PHYS_ADDR_SPACE_BITS of x86_64. */
const MAX_PHYS_BITS = 52;
/** TCG_PHYS_ADDR_BITS: the default of a 64-bit model without host-phys-bits. */
export const DEFAULT_PHYS_BITS = 40;

/** Base names of QEMU's AMD models; versions (-v2) and variants (-IBPB) share the base's vendor. */
const amdModels = ['qemu64', 'phenom', 'athlon', 'Opteron_G', 'EPYC'];
const otherVendorModels = ['Dhyana', 'YongFeng'];
/** Models without long mode; the first two have neither PAE nor PSE36. */
const noPaeModels = ['486', 'pentium'];
const thirtyTwoBitModels = ['qemu32', 'kvm32', 'coreduo', 'pentium2', 'pentium3', 'athlon', 'n270', ...noPaeModels];

function modelBase(model: string): string {
  return model.replace(/-v\d+$/, '');
}

function modelVendor(model: string): CpuVendor {
  const base = modelBase(model);
  if (model === 'max') return 'amd';
  if (amdModels.some((prefix) => base === prefix || base.startsWith(`${prefix}-`) || (prefix.endsWith('_G') && base.startsWith(prefix)))) return 'amd';
  if (otherVendorModels.some((prefix) => base.startsWith(prefix))) return 'other';
  return 'intel';
}

function vendorOfString(text: string): CpuVendor {
  if (text === 'AuthenticAMD') return 'amd';
  if (text === 'GenuineIntel') return 'intel';
  return 'other';
}

function cpuProperty(model: MachineModel, key: string): string | undefined {
  let value: string | undefined;
  for (const property of model.cpu.properties) if (property.key === key) value = String(property.value);
  return value;
}

function cpuFlag(model: MachineModel, key: string): boolean | undefined {
  const text = cpuProperty(model, key);
  if (text === undefined) return undefined;
  const parsed = parseBoolean(text);
  return parsed.ok ? parsed.value : undefined;
}

export function guestCpu(model: MachineModel, kvm: boolean, profile: HostProfile): GuestCpu {
  const name = model.cpu.model?.value ?? 'qemu64';
  const written = cpuProperty(model, 'vendor');
  const hostVendor = profile.hostCpuVendor.value;
  let vendor: CpuVendor;
  let vendorFrom: GuestCpu['vendorFrom'];
  let vendorAssumed = false;
  if (written !== undefined) {
    vendor = vendorOfString(written);
    vendorFrom = 'written';
  } else if (kvm) {
    vendor = hostVendor ?? HOST_FACT_ASSUMPTIONS.cpuVendor;
    vendorAssumed = hostVendor === null;
    vendorFrom = 'host';
  } else {
    vendor = modelVendor(name);
    vendorFrom = 'model';
  }

  const longMode = !thirtyTwoBitModels.includes(modelBase(name)) && cpuFlag(model, 'lm') !== false;
  const writtenBits = model.cpu.physBits?.value;
  const hostPhysBits = model.cpu.hostPhysBits?.value ?? (name === 'host' || name === 'max');
  const limitText = cpuProperty(model, 'host-phys-bits-limit');
  const limit = limitText !== undefined && /^\d+$/.test(limitText) && Number(limitText) > 0 ? Number(limitText) : null;
  let physBits: number;
  let physBitsFrom: GuestCpu['physBitsFrom'];
  let physBitsAssumed = false;
  let physBitsLimit: number | null = null;
  let error: GuestCpu['error'] = null;
  if (name === 'host' && !kvm) error = { reason: 'cpu-needs-kvm', message: messages.cpuRequiresKvm(name) };
  if (!longMode) {
    physBits = noPaeModels.includes(modelBase(name)) ? 32 : 36;
    physBitsFrom = '32-bit';
    if (writtenBits !== undefined) error ??= { reason: 'cpu-phys-bits-invalid', message: messages.physBitsNot32Bit };
  } else if (kvm && hostPhysBits) {
    const host = profile.hostPhysBits.value;
    physBitsAssumed = host === null;
    physBits = host ?? HOST_FACT_ASSUMPTIONS.physBits;
    if (limit !== null && physBits > limit) {
      physBits = limit;
      physBitsLimit = limit;
    }
    physBitsFrom = 'host';
  } else if (writtenBits !== undefined && writtenBits !== 0) {
    physBits = writtenBits;
    physBitsFrom = 'written';
    if (physBits < 32 || physBits > MAX_PHYS_BITS) error ??= { reason: 'cpu-phys-bits-invalid', message: messages.physBitsOutOfRange(physBits) };
  } else {
    physBits = DEFAULT_PHYS_BITS;
    physBitsFrom = 'default';
  }

  const vendorText = {
    model: `the ${name} model's own`,
    host: `the host's: under KVM every CPU model takes it${vendorAssumed ? `; not declared, assumed ${vendor}` : ''}`,
    written: 'vendor= as written',
  }[vendorFrom];
  const bitsText = {
    '32-bit': `a 32-bit model (${physBits} bits)`,
    host: `the host's${physBitsAssumed ? ` (not declared, assumed ${HOST_FACT_ASSUMPTIONS.physBits})` : ''}${physBitsLimit !== null ? `, capped by host-phys-bits-limit=${physBitsLimit}` : ''}`,
    written: 'phys-bits= as written',
    default: `QEMU's default for ${kvm ? 'a named model without host-phys-bits' : 'TCG'}`,
  }[physBitsFrom];
  return {
    model: name, vendor, vendorFrom, vendorAssumed, longMode, physBits, physBitsFrom, physBitsAssumed, physBitsLimit, error,
    explanation: `CPU ${name}: vendor ${vendor} (${vendorText}), ${physBits} physical address bits (${bitsText})`,
  };
}
