import type { MachineModel, MemoryBackend } from '../model/machine';
import { resolveRef } from '../model/references';
import { atLeast, type QemuVersion } from './version';
import { DEFAULT_RAM_SIZE, GiB, MiB } from './constants';
import { parseSize } from '../model/sizes';

/**
 * The machine's boot memory map and what it costs each consumer, at the two moments that matter:
 * while `-device`s are realised (before the first system reset) and after reset (paused, before
 * firmware runs: what the oracle measures). Firmware (SeaBIOS shadowing, VGA BARs) adds a few more
 * KVM slots later, ± 3 (docs/facts/x86-address-space.md#baseline-uncertainty).
 */
export type MachineFamily = 'q35' | 'pc' | 'virt' | 'other';

export interface MachineTypeInfo {
  family: MachineFamily;
  name: string;
  /** `pc-q35-8.0` → 8.0; null for the unversioned alias (`q35`, `pc`: the newest) and RHEL types. */
  version: { major: number; minor: number } | null;
  /** The name was guessed (no `-machine type` written). */
  defaulted: boolean;
}

export function machineTypeInfo(model: MachineModel): MachineTypeInfo {
  const written = model.machine.type?.value;
  const arch = model.arch;
  const name = written ?? (arch === 'aarch64' ? 'virt' : arch.startsWith('x86') || arch === 'i386' ? 'pc' : 'none');
  // Vendors append their own revision to QEMU's type (Proxmox VE: `pc-i440fx-9.0+pve0`, `pc+pve0`).
  const base = name.replace(/\+[A-Za-z0-9_.]+$/, '');
  let family: MachineFamily = 'other';
  if (/^(q35|pc-q35-.*)$/.test(base)) family = 'q35';
  else if (/^(pc|pc-i440fx-.*|pc-\d.*)$/.test(base)) family = 'pc';
  else if (/^virt(-.*)?$/.test(base)) family = 'virt';
  const versionMatch = /-(\d+)\.(\d+)$/.exec(base);
  const version = versionMatch && !/rhel/.test(name) ? { major: Number(versionMatch[1]), minor: Number(versionMatch[2]) } : null;
  return { family, name, version, defaulted: written === undefined };
}

/** True when the machine type is `major.minor` or older (an alias counts as the newest). */
export function machineTypeAtMost(info: MachineTypeInfo, major: number, minor: number): boolean {
  if (!info.version) return false;
  return info.version.major !== major ? info.version.major < major : info.version.minor <= minor;
}

export interface RamSplit {
  below: number;
  above: number;
}

/** The last written value of a size-valued -machine property, in bytes. */
function machineSize(model: MachineModel, key: string): number | undefined {
  let value: number | undefined;
  for (const property of model.machine.properties) {
    if (property.key !== key) continue;
    if (typeof property.value === 'number') value = property.value;
    else {
      const parsed = parseSize(String(property.value));
      if (parsed.ok) value = parsed.bytes;
    }
  }
  return value;
}

/** pc_q35_init() and pc_init1(): how boot RAM is split around the 32-bit PCI hole. */
export function ramSplit(model: MachineModel, info: MachineTypeInfo, ramSize: number): RamSplit {
  const userMax = machineSize(model, 'max-ram-below-4g');
  let lowmem: number;
  if (info.family === 'q35') {
    lowmem = ramSize >= 0xb0000000 ? 0x80000000 : 0xb0000000;
    const max = userMax || 4 * GiB;
    if (lowmem > max) lowmem = max;
  } else {
    const max = userMax || 0xe0000000;
    lowmem = max;
    // gigabyte_align: every machine type QEMU 10 still has.
    if (ramSize >= max && lowmem > 0xc0000000) lowmem = 0xc0000000;
  }
  return ramSize >= lowmem ? { below: lowmem, above: ramSize - lowmem } : { below: ramSize, above: 0 };
}

export interface BootRamPiece {
  backendId: string | null;
  size: number;
  fdBacked: boolean;
  shared: boolean;
}

export interface SectionCounts {
  kvm: number;
  /** RAM sections vhost-kernel and vhost-vdpa see. */
  vhostAll: number;
  /** RAM sections vhost-user sees (fd-backed only). */
  vhostUser: number;
}

export interface BootLayout {
  ramSize: number;
  maxmem: number;
  slots: number;
  /** maxmem − ram when the machine has device memory, else 0. */
  deviceMemorySpace: number;
  hasDeviceMemory: boolean;
  belowFourG: number;
  aboveFourG: number;
  backends: BootRamPiece[];
  atRealize: SectionCounts;
  afterReset: SectionCounts;
  /** Human account of how the counts were formed. */
  explanation: string;
}

/**
 * The guest sees this backend as ROM (memory-backend-file `readonly=on`, unless `rom=off`): KVM maps
 * it read-only, and vhost leaves ROM out of its memory table (hw/virtio/vhost.c vhost_section()
 * keeps RAM that is not ROM), so it takes no vhost slot and needs no shared memory.
 */
export function backendIsRom(backend: MemoryBackend): boolean {
  if (backend.type.value !== 'memory-backend-file') return false;
  const rom = backend.rom?.value ?? 'auto';
  return rom === 'on' || (rom === 'auto' && backend.readonly?.value === true);
}

/** Does this backend's RAM block have an fd (the condition for vhost-user to map it)? */
export function backendHasFd(backend: MemoryBackend, version: QemuVersion): boolean {
  switch (backend.type.value) {
    case 'memory-backend-memfd':
    case 'memory-backend-file':
    case 'memory-backend-shm':
      return true;
    case 'memory-backend-ram':
      // 10.0 made memory-backend-ram,share=on memfd-based.
      return backend.share.value && atLeast(version, 10, 0);
    default:
      return false;
  }
}

/** vhost-user maps a block iff it has an fd and (QEMU 11.0+) is mapped shared. */
export function vhostUserCounts(fdBacked: boolean, shared: boolean, version: QemuVersion): boolean {
  return fdBacked && (shared || !atLeast(version, 11, 0));
}

function bootBackends(model: MachineModel, ramSize: number, version: QemuVersion): BootRamPiece[] {
  const piece = (backend: MemoryBackend | undefined, size: number): BootRamPiece =>
    backend
      ? { backendId: backend.id?.value ?? null, size, fdBacked: backendHasFd(backend, version), shared: backend.share.value }
      : { backendId: null, size, fdBacked: model.memPath !== undefined, shared: false };
  const numaMemdevs = model.numaNodes.map((node) => node.memdev?.value);
  if (numaMemdevs.length > 0 && numaMemdevs.every((id) => id !== undefined)) {
    const pieces = numaMemdevs.map((id) => {
      const backend = resolveRef(model.backends, id);
      return piece(backend, backend?.size?.value ?? ramSize / numaMemdevs.length);
    });
    return pieces;
  }
  const named = model.machine.memoryBackend?.value;
  if (named !== undefined) return [piece(resolveRef(model.backends, named), ramSize)];
  const implicit = model.backends.find((b) => b.implicit);
  return [piece(implicit, ramSize)];
}

/** Counts sections of the concatenated boot RAM that fall into the given windows (RAM offsets). */
function countPieces(pieces: BootRamPiece[], windows: Array<[number, number]>, version: QemuVersion): SectionCounts {
  const counts: SectionCounts = { kvm: 0, vhostAll: 0, vhostUser: 0 };
  let start = 0;
  for (const p of pieces) {
    const end = start + p.size;
    for (const [wStart, wEnd] of windows) {
      if (Math.min(end, wEnd) > Math.max(start, wStart)) {
        counts.kvm++;
        counts.vhostAll++;
        if (vhostUserCounts(p.fdBacked, p.shared, version)) counts.vhostUser++;
      }
    }
    start = end;
  }
  return counts;
}

export function bootLayout(model: MachineModel, info: MachineTypeInfo, version: QemuVersion): BootLayout {
  const ramSize = model.memory.size?.value ?? DEFAULT_RAM_SIZE;
  const maxmem = model.memory.maxmem?.value ?? ramSize;
  const slots = model.memory.slots?.value ?? 0;
  const supportsDeviceMemory = info.family !== 'other';
  const hasDeviceMemory = supportsDeviceMemory && maxmem > ramSize;
  const backends = bootBackends(model, ramSize, version);
  const efi = model.firmware.kind === 'efi';

  if (info.family === 'virt') {
    const ram = countPieces(backends, [[0, ramSize]], version);
    const counts = { ...ram, kvm: ram.kvm + 2 };
    return {
      ramSize, maxmem, slots, hasDeviceMemory, deviceMemorySpace: hasDeviceMemory ? maxmem - ramSize : 0,
      belowFourG: ramSize, aboveFourG: 0, backends, atRealize: counts, afterReset: counts,
      explanation: `${ram.kvm} RAM section(s) + 2 read-only flash slots (virt.flash0/1)`,
    };
  }

  const { below, above } = ramSplit(model, info, ramSize);
  const high: Array<[number, number]> = above > 0 ? [[below, ramSize]] : [];
  // After reset the 0xc0000–0xfffff BIOS area is ROM (pc.rom, isa-bios), splitting low RAM in two.
  const splitLow: Array<[number, number]> = [[0, Math.min(below, 0xc0000)], [0x100000, below]];
  const firmwareSlots = efi ? 2 : 1;
  const resetRam = countPieces(backends, [...splitLow, ...high], version);
  const afterReset = { ...resetRam, kvm: resetRam.kvm + 2 + firmwareSlots };
  let atRealize: SectionCounts;
  if (info.family === 'q35') {
    // Before q35's first reset the PAM area is RAM: low memory is one section and only the
    // firmware ROM is mapped (measured: 3 KVM slots, 2 vhost regions for -m 4G).
    const early = countPieces(backends, [[0, below], ...high], version);
    atRealize = { ...early, kvm: early.kvm + firmwareSlots };
  } else {
    atRealize = afterReset;
  }
  const explanation =
    `${info.family} with ${formatMiB(ramSize)} boot RAM: ${formatMiB(below)} below 4 GiB` +
    (above > 0 ? ` and ${formatMiB(above)} above` : '') +
    `; after reset ${resetRam.kvm} RAM section(s) + pc.rom + isa-bios + ${efi ? '2 pflash' : 'pc.bios'} = ${afterReset.kvm} KVM slots` +
    (info.family === 'q35' ? `; while devices are realised (before reset) ${atRealize.kvm}` : '') +
    `; firmware may add up to 3 more once it runs`;
  return {
    ramSize, maxmem, slots, hasDeviceMemory, deviceMemorySpace: hasDeviceMemory ? maxmem - ramSize : 0,
    belowFourG: below, aboveFourG: above, backends, atRealize, afterReset, explanation,
  };
}

function formatMiB(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB} GiB` : `${Math.round(bytes / MiB)} MiB`;
}
