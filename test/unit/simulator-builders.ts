// Builds MachineModel objects directly (no front end), as a QEMU command line would produce them.
// Each added option gets the next `order` and a one-line range on that line.
import {
  emptyMachine, makeRange, type Chardev, type Device, type MachineModel, type MemoryBackend, type MemoryBackendType,
  type MemoryDevice, type MemoryDeviceKind, type Netdev, type NetdevOption, type OptionSyntax, type VhostBackendKind,
  type Located, type Range,
} from '../../server/src/model';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

function at(line: number): Range {
  return makeRange(line, 0, line, 10);
}

function w<T>(value: T, line: number): Located<T> {
  return { value, range: at(line), origin: 'written' };
}

export interface MachineOptions {
  type?: string;
  ram?: number;
  maxmem?: number;
  slots?: number;
  /** Default 'kvm'; null for none written. */
  accel?: string | null;
  memoryBackend?: string;
  smm?: 'on' | 'off' | 'auto';
  firmware?: 'bios' | 'efi';
  nvdimm?: boolean;
  /** -cpu model; default 'host' (the oracle scenarios use -cpu host); null for none written (qemu64). */
  cpu?: string | null;
  /** -cpu ...,phys-bits=N. */
  physBits?: number;
}

export class MachineBuilder {
  readonly model: MachineModel;
  private order = 0;

  constructor(options: MachineOptions = {}) {
    this.model = emptyMachine('qemu', makeRange(0, 0, 1000, 0), at(0));
    const line = this.next();
    const m = this.model;
    if (options.type !== undefined) m.machine.type = w(options.type, line);
    if (options.memoryBackend !== undefined) m.machine.memoryBackend = w(options.memoryBackend, line);
    if (options.smm !== undefined) m.machine.smm = w(options.smm, line);
    if (options.nvdimm) m.machine.properties.push({ key: 'nvdimm', keyRange: at(line), value: 'on', valueRange: at(line) });
    if (options.ram !== undefined) m.memory.size = w(options.ram, line);
    if (options.maxmem !== undefined) m.memory.maxmem = w(options.maxmem, line);
    if (options.slots !== undefined) m.memory.slots = w(options.slots, line);
    const accel = options.accel === undefined ? 'kvm' : options.accel;
    if (accel !== null) m.accelerators.push(w(accel, line));
    if (options.firmware) m.firmware.kind = options.firmware;
    const cpu = options.cpu === undefined ? 'host' : options.cpu;
    if (cpu !== null) m.cpu.model = w(cpu, line);
    if (options.physBits !== undefined) m.cpu.physBits = w(options.physBits, line);
  }

  private next(): number {
    return this.order++;
  }

  backend(
    type: MemoryBackendType, id: string, size: number, options: { share?: boolean; prealloc?: boolean; hugetlb?: boolean } = {}): this {
    this.model.backends.push(backendItem(type, id, size, { ...options, order: this.next() }));
    return this;
  }

  memoryDevice(kind: MemoryDeviceKind, id: string, memdev: string | undefined, options: MemoryDeviceOptions = {}): this {
    this.model.devices.push(memoryDeviceItem(kind, id, memdev, { ...options, order: this.next() }));
    return this;
  }

  virtioMem(id: string, memdev: string, options: MemoryDeviceOptions = {}): this {
    return this.memoryDevice('virtio-mem', id, memdev, options);
  }

  dimm(id: string, memdev: string, options: MemoryDeviceOptions = {}): this {
    return this.memoryDevice('pc-dimm', id, memdev, options);
  }

  /** n × (backend + pc-dimm) named d0/dimm0 ... like the oracle's dimms(n). */
  dimms(n: number, type: MemoryBackendType = 'memory-backend-memfd', size = GiB, first = 0): this {
    for (let i = first; i < first + n; i++) {
      this.backend(type, `d${i}`, size, { share: type !== 'memory-backend-ram' });
      this.dimm(`dimm${i}`, `d${i}`);
    }
    return this;
  }

  chardev(id: string, path: string): this {
    this.model.chardevs.push(chardevItem(id, path, this.next()));
    return this;
  }

  vhostDevice(
    id: string, driver: string, backend: VhostBackendKind, options: { chardev?: string; syntax?: OptionSyntax; bus?: string } = {}): this {
    this.model.devices.push(vhostDeviceItem(id, driver, backend, { ...options, order: this.next() }));
    return this;
  }

  /** -chardev socket,id=CHR,path=PATH -device vhost-user-fs-pci,id=ID,chardev=CHR */
  vhostUserFs(id: string, chardev: string, path: string, syntax: OptionSyntax = 'qemuopts'): this {
    this.chardev(chardev, path);
    return this.vhostDevice(id, 'vhost-user-fs-pci', 'vhost-user', { chardev, syntax });
  }

  netdev(
    id: string, type: string, options: { vhost?: VhostBackendKind; chardev?: string; option?: NetdevOption; syntax?: OptionSyntax } = {},
  ): this {
    this.model.netdevs.push(netdevItem(id, type, { ...options, order: this.next() }));
    return this;
  }

  genericDevice(driver: string, id?: string, syntax: OptionSyntax = 'qemuopts'): this {
    const line = this.next();
    this.model.devices.push({
      kind: 'generic-device', driver: w(driver, line), range: at(line), order: line, syntax, properties: [],
      ...(id !== undefined ? { id: w(id, line) } : {}),
    });
    return this;
  }

  numa(nodeId: number, memdev: string): this {
    const line = this.next();
    this.model.numaNodes.push({ range: at(line), order: line, nodeId: w(nodeId, line), memdev: w(memdev, line), properties: [] });
    return this;
  }

  global(driver: string, property: string, value: string): this {
    const line = this.next();
    this.model.globals.push({ range: at(line), order: line, driver: w(driver, line), property: w(property, line), value: w(value, line) });
    return this;
  }

  build(): MachineModel {
    return this.model;
  }
}

export function machine(options: MachineOptions = {}): MachineBuilder {
  return new MachineBuilder(options);
}

export function backendItem(
  type: MemoryBackendType, id: string, size: number,
  options: { share?: boolean; prealloc?: boolean; hugetlb?: boolean; order?: number } = {},
): MemoryBackend {
  const line = options.order ?? 500;
  const defaultShare = type === 'memory-backend-memfd' || type === 'memory-backend-shm';
  const share = options.share ?? defaultShare;
  return {
    kind: 'memory-backend', range: at(line), order: options.order ?? -1, syntax: 'qemuopts', properties: [],
    id: w(id, line), type: w(type, line), size: w(size, line),
    share: options.share === undefined ? { value: share, range: at(line), origin: 'default' } : w(share, line),
    ...(options.prealloc !== undefined ? { prealloc: w(options.prealloc, line) } : {}),
    ...(options.hugetlb !== undefined ? { hugetlb: w(options.hugetlb, line) } : {}),
  };
}

export interface MemoryDeviceOptions {
  dynamic?: boolean;
  requested?: number;
  blockSize?: number;
  unpluggedInaccessible?: boolean | 'auto';
  syntax?: OptionSyntax;
  bus?: string;
  order?: number;
}

const memoryDrivers: Record<MemoryDeviceKind, string> = {
  'pc-dimm': 'pc-dimm', nvdimm: 'nvdimm', 'virtio-mem': 'virtio-mem-pci', 'virtio-pmem': 'virtio-pmem-pci', 'hv-balloon': 'hv-balloon',
};

export function memoryDeviceItem(
  kind: MemoryDeviceKind, id: string, memdev: string | undefined, options: MemoryDeviceOptions = {}): MemoryDevice {
  const line = options.order ?? 600;
  const item: MemoryDevice = {
    kind: 'memory-device', memoryKind: kind, driver: w(memoryDrivers[kind], line), range: at(line), order: options.order ?? -1,
    syntax: options.syntax ?? 'qemuopts', properties: [], id: w(id, line),
  };
  if (memdev !== undefined) item.memdev = w(memdev, line);
  if (options.dynamic !== undefined) item.dynamicMemslots = w(options.dynamic, line);
  if (options.requested !== undefined) item.requestedSize = w(options.requested, line);
  if (options.blockSize !== undefined) item.blockSize = w(options.blockSize, line);
  if (options.unpluggedInaccessible !== undefined) item.unpluggedInaccessible = w(options.unpluggedInaccessible, line);
  if (options.bus !== undefined) item.bus = w(options.bus, line);
  return item;
}

export function chardevItem(id: string, path: string, order = -1): Chardev {
  const line = order < 0 ? 700 : order;
  return { kind: 'chardev', range: at(line), order, syntax: 'qemuopts', properties: [], id: w(id, line), backend: w('socket', line), path: w(path, line) };
}

export function vhostDeviceItem(
  id: string, driver: string, backend: VhostBackendKind,
  options: { chardev?: string; syntax?: OptionSyntax; bus?: string; order?: number } = {},
): Device {
  const line = options.order ?? 800;
  return {
    kind: 'vhost-device', driver: w(driver, line), backend, range: at(line), order: options.order ?? -1, syntax: options.syntax ?? 'qemuopts',
    properties: options.bus !== undefined ? [{ key: 'bus', keyRange: at(line), value: options.bus, valueRange: at(line) }] : [],
    id: w(id, line),
    ...(options.chardev !== undefined ? { chardev: w(options.chardev, line) } : {}),
  };
}

export function netdevItem(
  id: string, type: string,
  options: { vhost?: VhostBackendKind; chardev?: string; option?: NetdevOption; syntax?: OptionSyntax; order?: number } = {},
): Netdev {
  const line = options.order ?? 900;
  const vhost = options.vhost ?? (type === 'vhost-user' ? 'vhost-user' : type === 'vhost-vdpa' ? 'vhost-vdpa' : undefined);
  return {
    kind: 'netdev', option: options.option ?? 'netdev', range: at(line), order: options.order ?? -1, syntax: options.syntax ?? 'qemuopts',
    properties: [], id: w(id, line), type: w(type, line),
    ...(vhost ? { vhost } : {}),
    ...(options.chardev !== undefined ? { chardev: w(options.chardev, line) } : {}),
  };
}

/** The oracle's SHARED base: q35, 4 GiB shared memfd boot RAM (mem0), maxmem 1 TiB. */
export function sharedBase(slots = 4, maxmem = TiB): MachineBuilder {
  return machine({ type: 'q35', ram: 4 * GiB, maxmem, slots, memoryBackend: 'mem0' })
    .backend('memory-backend-memfd', 'mem0', 4 * GiB, { share: true });
}

/** The oracle's HOTPLUG base: q35, 4 GiB anonymous boot RAM, maxmem 1 TiB, 4 slots. */
export function hotplugBase(): MachineBuilder {
  return machine({ type: 'q35', ram: 4 * GiB, maxmem: TiB, slots: 4 });
}
