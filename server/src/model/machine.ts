import type { DocumentEditor } from './edits';
import type { Finding } from './findings';
import type { Range } from './range';
import type { Located, Property } from './values';

/**
 * The typed machine both front ends produce and the simulator and rules read. Every value the user
 * wrote carries its range; values nobody wrote carry origin 'default'. Lists keep the order the
 * front end saw them in (command-line order, or libvirt's emission order), and each item says in
 * which syntax it was written, so the simulator can derive QEMU's own plug order from them.
 */

/** How an option was written: QemuOpts `key=value,...` or JSON. QEMU realises JSON `-device`s last. */
export type OptionSyntax = 'qemuopts' | 'json';

/** Common to everything that came from one option (`-object`, `-device`, `-netdev`, `<memory>`...). */
export interface ModelItem {
  /** The whole option (flag and value) or XML element it came from. */
  range: Range;
  /** Position of the option among all options of the invocation (0-based); fixes text order. */
  order: number;
  syntax: OptionSyntax;
  id?: Located<string>;
  /** Every property as written, modelled or not. */
  properties: Property[];
  /** libvirt alias or other user-facing name when it differs from the QEMU id. */
  displayName?: string;
}

export interface MachineOptions {
  type?: Located<string>;
  memoryBackend?: Located<string>;
  smm?: Located<'on' | 'off' | 'auto'>;
  accel?: Located<string>;
  /** All -machine / -M options merged; later keys win, as QEMU's keyval merge does. */
  properties: Property[];
  ranges: Range[];
}

export interface MemorySize {
  size?: Located<number>;
  slots?: Located<number>;
  maxmem?: Located<number>;
  ranges: Range[];
}

export interface CpuOptions {
  model?: Located<string>;
  physBits?: Located<number>;
  hostPhysBits?: Located<boolean>;
  range?: Range;
  properties: Property[];
}

export type MemoryBackendType = 'memory-backend-ram' | 'memory-backend-file' | 'memory-backend-memfd' | 'memory-backend-shm' | 'memory-backend-epc';

export interface MemoryBackend extends ModelItem {
  kind: 'memory-backend';
  type: Located<MemoryBackendType>;
  size?: Located<number>;
  /** Effective share: written, or the type's default (memfd/shm on, others off). */
  share: Located<boolean>;
  memPath?: Located<string>;
  hugetlb?: Located<boolean>;
  hugetlbSize?: Located<number>;
  prealloc?: Located<boolean>;
  reserve?: Located<boolean>;
  /** memory-backend-file `readonly=on`: the file is opened read-only. */
  readonly?: Located<boolean>;
  /** memory-backend-file `rom` (8.2+): the guest sees ROM; `auto` (the default) follows `readonly`. */
  rom?: Located<'on' | 'off' | 'auto'>;
  /** Implicit backends created by QEMU for -m / -numa mem= / -mem-path are marked so. */
  implicit?: boolean;
}

export interface NumaNode {
  range: Range;
  order: number;
  nodeId?: Located<number>;
  memdev?: Located<string>;
  /** Legacy `mem=` size (QEMU < 5.1 machines only). */
  mem?: Located<number>;
  properties: Property[];
}

export type MemoryDeviceKind = 'pc-dimm' | 'nvdimm' | 'virtio-mem' | 'virtio-pmem' | 'hv-balloon';

export interface MemoryDevice extends ModelItem {
  kind: 'memory-device';
  driver: Located<string>;
  memoryKind: MemoryDeviceKind;
  memdev?: Located<string>;
  node?: Located<number>;
  requestedSize?: Located<number>;
  blockSize?: Located<number>;
  /** Absent: QEMU's default applies, which depends on the QEMU flavour (off upstream, on for rhel). */
  dynamicMemslots?: Located<boolean>;
  unpluggedInaccessible?: Located<boolean | 'auto'>;
  prealloc?: Located<boolean>;
  /** Guest-physical address: `addr` of a DIMM (and hv-balloon), `memaddr` of virtio-mem/virtio-pmem. */
  memaddr?: Located<number>;
  /** DIMM `slot` (−1: none). */
  slot?: Located<number>;
  bus?: Located<string>;
}

export type VhostBackendKind = 'vhost-user' | 'vhost-kernel' | 'vhost-vdpa';

/** A `-device` that owns its vhost backend itself (vhost-user-fs-pci, vhost-vsock-pci...). */
export interface VhostDevice extends ModelItem {
  kind: 'vhost-device';
  driver: Located<string>;
  backend: VhostBackendKind;
  /** vhost-user: the socket chardev. */
  chardev?: Located<string>;
  /** vhost-vdpa-device-pci: the vhostdev path. */
  vhostdev?: Located<string>;
}

/** A NIC front end (virtio-net-pci...); its vhost, if any, belongs to the netdev it names. */
export interface NetDevice extends ModelItem {
  kind: 'net-device';
  driver: Located<string>;
  netdev?: Located<string>;
}

export interface VfioDevice extends ModelItem {
  kind: 'vfio-device';
  driver: Located<string>;
  host?: Located<string>;
  sysfsdev?: Located<string>;
}

/** Every other -device, kept whole. */
export interface GenericDevice extends ModelItem {
  kind: 'generic-device';
  driver: Located<string>;
}

export type Device = MemoryDevice | VhostDevice | NetDevice | VfioDevice | GenericDevice;

export interface Chardev extends ModelItem {
  kind: 'chardev';
  backend: Located<string>;
  path?: Located<string>;
  /** server=on: QEMU listens (and, without wait=off, blocks until the backend connects). */
  server?: Located<boolean>;
  wait?: Located<boolean>;
}

/** Which option family a netdev came from; QEMU creates JSON netdevs, then -netdev, -nic, -net. */
export type NetdevOption = 'netdev' | 'nic' | 'net';

export interface Netdev extends ModelItem {
  kind: 'netdev';
  option: NetdevOption;
  type: Located<string>;
  /** The vhost backend this netdev initialises, if any (tap vhost=on, vhost-user, vhost-vdpa). */
  vhost?: VhostBackendKind;
  vhostOn?: Located<boolean>;
  chardev?: Located<string>;
  vhostdev?: Located<string>;
  /** -nic creates its NIC model too. */
  model?: Located<string>;
  queues?: Located<number>;
}

export interface GlobalProperty {
  range: Range;
  order: number;
  driver: Located<string>;
  property: Located<string>;
  value: Located<string>;
}

/** Options we recognise but do not model (or could not read): kept and reported, never dropped. */
export interface UnmodelledOption {
  range: Range;
  order: number;
  option: string;
  value?: string;
  reason: string;
  /**
   * An option QEMU 10.0 does not have: removed in an earlier release, or unknown to it (perhaps
   * newer). QEMU refuses either as `invalid option` before it reads anything else.
   */
  missingInQemu10?: 'removed' | 'unknown';
}

export interface Firmware {
  /** pflash/OVMF loader or -bios path, when given. */
  loader?: Located<string>;
  kind?: 'bios' | 'efi';
}

export interface MachineModel {
  frontend: 'qemu' | 'libvirt';
  /** The whole invocation or <domain> element. */
  range: Range;
  /** The qemu-system binary word, or the <domain> start tag. */
  headRange: Range;
  binary?: Located<string>;
  /** From the binary name or libvirt's <os><type arch>; 'x86_64' when unknown. */
  arch: string;
  machine: MachineOptions;
  memory: MemorySize;
  cpu: CpuOptions;
  accelerators: Located<string>[];
  firmware: Firmware;
  backends: MemoryBackend[];
  numaNodes: NumaNode[];
  /** All -device options in the front end's order (command line, or libvirt's emission order). */
  devices: Device[];
  chardevs: Chardev[];
  netdevs: Netdev[];
  globals: GlobalProperty[];
  /** Legacy -mem-path / -mem-prealloc. */
  memPath?: Located<string>;
  memPrealloc?: Located<boolean>;
  readconfig: Located<string>[];
  unmodelled: UnmodelledOption[];
  /** Front-end problems that belong to this invocation. */
  diagnostics: Finding[];
}

/** What a front end returns for one document. */
export interface FrontendResult {
  machines: MachineModel[];
  /** Problems that belong to no invocation (e.g. an XML document that is not well-formed). */
  diagnostics: Finding[];
  /** vhost-user back-end daemons the script starts itself (shell scripts only). */
  startedBackends?: StartedBackend[];
  /** The front end's editor for one of `machines`: rules' fixes change the text only through it. */
  editorFor(machine: MachineModel): DocumentEditor;
}

/** Programs whose vhost-user memslot limit memslot knows (docs/backend-daemons.md). */
export type BackendProgram = 'virtiofsd' | 'qemu-storage-daemon' | 'qemu-vhost-user' | 'spdk-vhost' | 'dpdk-testpmd' | 'ovs-dpdk' | 'vhost-device';

/** A back-end daemon started in the same script, and the socket it serves. */
export interface StartedBackend {
  program: BackendProgram;
  /** The program's name as written (basename), e.g. `virtiofsd`, `vhost-device-vsock`. */
  command: string;
  /** The socket path (a glob when the program serves several), or SPDK's socket directory. */
  socket: string;
  /** `socket` is a directory whose sockets are created later (SPDK `-S`). */
  directory: boolean;
  /** From the program's name to the option that names the socket. */
  range: Range;
}

export function emptyMachine(frontend: 'qemu' | 'libvirt', range: Range, headRange: Range): MachineModel {
  return {
    frontend,
    range,
    headRange,
    arch: 'x86_64',
    machine: { properties: [], ranges: [] },
    memory: { ranges: [] },
    cpu: { properties: [] },
    accelerators: [],
    firmware: {},
    backends: [],
    numaNodes: [],
    devices: [],
    chardevs: [],
    netdevs: [],
    globals: [],
    readconfig: [],
    unmodelled: [],
    diagnostics: [],
  };
}

/** Things the caller may do after start (QMP/HMP), in order. Items are model items, as a front end builds them. */
export type HotplugEvent =
  | { kind: 'object_add'; backend: MemoryBackend }
  /** `monitor: 'hmp'`: typed at the HMP prompt, where QEMU parses the argument as an option and words some refusals differently. */
  | { kind: 'chardev-add'; chardev: Chardev; monitor?: 'hmp' }
  | { kind: 'netdev_add'; netdev: Netdev; monitor?: 'hmp' }
  | { kind: 'device_add'; device: Device }
  | { kind: 'device_del'; id: string }
  | { kind: 'netdev_del'; id: string }
  | { kind: 'object-del'; id: string }
  /**
   * `id`: the device the QOM path names (its last component); `path` as written, for QEMU's
   * "not found" message. `value` a string when the plan gave one (QMP wants a number).
   */
  | { kind: 'qom-set'; id: string; path?: string; property: string; value: number | string }
  /** A command memslot does not model: kept in order, answered as not modelled. */
  | { kind: 'not-modelled'; command: string };
