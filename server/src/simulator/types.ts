import type { MemoryDeviceKind, VhostBackendKind } from '../model/machine';
import type { ProfileSource } from './profile';

/** Points back at the model item a result is about, so rules and hovers can find its range. */
export interface ModelRef {
  collection: 'devices' | 'netdevs' | 'backends' | 'memory' | 'hotplug';
  /** Index in that collection of the model (or in the hotplug list). */
  index: number;
  /** The item's `order` (position among the invocation's options); -1 for hotplug items. */
  order: number;
  id: string | null;
}

/**
 * Why QEMU refuses, as a closed set: rules and hovers switch on it. QEMU's own text for each case is
 * in ./messages.ts and only displayed. Several texts share a reason where they differ only by QEMU
 * version (e.g. "not enough free" since 8.2, "no free" before).
 */
export type RefusalReason =
  // -m and the machine
  | 'maxmem-below-ram'
  | 'maxmem-equals-ram'
  | 'slots-without-maxmem'
  | 'too-many-dimm-slots'
  | 'phys-bits'
  | 'numa-memory-mismatch'
  // while QEMU reads its command line: the front end's MS901–MS904, an -object's type
  | 'invalid-option'
  | 'unknown-object-type'
  // a device's type: a -global naming a property the type lacks
  | 'unknown-global-property'
  | 'cpu-needs-kvm'
  | 'cpu-phys-bits-invalid'
  // a vhost device starting
  | 'auto-decision-refuses-vhost'
  | 'vhost-limit-below-used'
  // a memory device: memslots
  | 'kvm-slots-exhausted'
  | 'vhost-slots-exhausted'
  // a memory device: device memory and DIMM slots
  | 'no-device-memory'
  | 'device-memory-full'
  | 'no-dimm-slots'
  | 'dimm-slots-full'
  | 'dimm-slot-unusable'
  | 'memory-address-unusable'
  | 'memory-region-alignment'
  | 'memory-hotplug-disabled'
  | 'nvdimm-not-enabled'
  | 'read-only-nvdimm-armed'
  | 'discard-disabled'
  // a memory device: its properties and back-end
  | 'memdev-missing'
  | 'memdev-not-found'
  | 'memdev-busy'
  | 'memdev-unsupported'
  | 'memdev-prealloc'
  | 'requested-size-alignment'
  | 'memdev-size-alignment'
  | 'requested-size-too-big'
  | 'dynamic-memslots-needs-unplugged-inaccessible'
  | 'dynamic-memslots-unsupported'
  | 'unknown-device-model'
  | 'only-one-balloon'
  // hot-plug and unplug (QMP/HMP)
  | 'bus-not-hotpluggable'
  | 'device-not-found'
  | 'object-not-found'
  | 'object-in-use'
  | 'duplicate-id'
  | 'unplug-pending'
  | 'virtio-mem-unplug-refused'
  | 'nvdimm-unplug-unsupported'
  | 'unknown-property'
  | 'property-not-writable'
  | 'invalid-value'
  // VFIO
  | 'vfio-dma-mappings';

/** Why and where QEMU refuses to start. */
export interface Refusal {
  reason: RefusalReason;
  /** The refused device or netdev id (`driver#index` without one); null for `-m`/machine options. */
  by: string | null;
  ref: ModelRef | null;
  /** The option QEMU names in its error prefix ('-device', '-netdev', '-m'); null when none. */
  option: string | null;
  /** QEMU's message without its "qemu-system-x86_64: <option>: " prefix (display only). */
  message: string;
  /** QEMU's extra hint line after the error, if any. */
  hint: string | null;
}

export type { HotplugEvent } from '../model/machine';

/** One value a decision used, or its result. */
export type DecisionValue = number | string | boolean | null;

export interface Decision {
  /** What was decided or checked. */
  what:
    | 'decision-limit' | 'memslots' | 'kvm-free-check' | 'vhost-free-check' | 'space-check'
    | 'dimm-slot-check' | 'auto-decision-check' | 'vhost-used-check' | 'dynamic-memslots'
    | 'unplugged-inaccessible' | 'vhost-limit' | 'boot-layout' | 'memory-options' | 'unplug-check'
    | 'requested-size' | 'after-reset' | 'accelerator' | 'vfio-dma-check' | 'address-space' | 'dimm-slot'
    | 'device-address' | 'discard';
  inputs: Record<string, DecisionValue>;
  result: DecisionValue;
  passed?: boolean;
  explanation: string;
}

export type EventPhase = 'machine' | 'netdevs' | 'devices' | 'reset' | 'guest' | 'hotplug';

export type EventAction =
  | 'machine-init' | 'vhost-init' | 'memory-device-plug' | 'reset' | 'guest-plug'
  | 'memory-device-unplug' | 'vhost-remove' | 'requested-size' | 'object-add' | 'chardev-add' | 'device-add'
  | 'object-del' | 'device-del' | 'not-modelled';

export interface SimulationEvent {
  step: number;
  phase: EventPhase;
  action: EventAction;
  /** Device or netdev id (or a generated label when it has none). */
  id: string | null;
  ref: ModelRef | null;
  /** `hang`: QEMU retries forever (hot-added vhost-user netdev refused by the auto-decision check). */
  result: 'ok' | 'refused' | 'warning' | 'hang' | 'skipped';
  /** Why QEMU refused this step (with `error`, QEMU's text); null when it did not. */
  reason: RefusalReason | null;
  error: string | null;
  warnings: string[];
  decisions: Decision[];
  /**
   * Slots in use once this step is done, read from the running state: per KVM address space and
   * per vhost group (every vhost device of a group counts the same regions). Per consumer use is
   * `usageAfterStep(simulation, step)`; storing group totals keeps recording linear in the steps.
   */
  slotsAfter?: SlotTotals;
}

export interface SlotTotals {
  kvm?: number;
  kvmSmram?: number;
  /** Regions a vhost-user device counts (fd-backed RAM only). */
  vhostUser: number;
  /** Regions a vhost-kernel or vhost-vdpa device counts (all RAM). */
  vhostOther: number;
}

/** When a vhost device counted: from the step that initialised it until the step that removed it. */
export interface VhostActivity {
  id: string;
  kind: VhostBackendKind;
  fromStep: number;
  untilStep: number | null;
}

export interface MemoryDeviceResult {
  id: string;
  driver: string;
  /** Memslots the device requires (virtio-mem dynamic-memslots=on / hv-balloon: the decided count). */
  memslots: number;
  /** Memslots mapped when QEMU has started (paused, before a guest driver plugs anything). */
  mapped: number;
  // --- beyond the CLI contract ---
  kind: MemoryDeviceKind;
  ref: ModelRef;
  status: 'plugged' | 'refused' | 'unplugged';
  size: number;
  memslotSize: number | null;
  dynamicMemslots: boolean;
  dynamicMemslotsSource: 'written' | 'global' | 'flavour-default' | 'default' | 'not-applicable';
  /** The decision limit (auto-deciding devices only). */
  decisionLimit: number | null;
  /** This device decided more than one memslot: later vhost back-ends with < 509 slots are refused. */
  autoDecided: boolean;
  requestedSize: number | null;
  /** Memslots mapped once the guest driver has plugged requested-size (dynamic virtio-mem). */
  mappedAfterGuestPlug: number;
  /** Its memory has an fd (vhost-user maps it). */
  fdBacked: boolean;
  backend: string | null;
  /** Guest-physical address QEMU placed it at (null: refused before placement, or not an x86 pc/q35 machine). */
  addr: number | null;
  /** DIMM slot (pc-dimm, nvdimm). */
  slot: number | null;
}

export type ConsumerKind = 'kvm' | VhostBackendKind;

export interface ConsumerResult {
  id: string;
  kind: ConsumerKind;
  /** null: no limit (vDPA). */
  limit: number | null;
  /** Slots in use when QEMU has started (paused, after reset, before firmware). */
  used: number;
  /** More DIMM-like (1-memslot) devices that fit before QEMU refuses: limit − used − reserved. */
  headroom: number | null;
  // --- beyond the CLI contract ---
  ref: ModelRef | null;
  addressSpace?: number;
  limitSource: { source: ProfileSource | 'qemu' | 'assumed'; origin: string };
  /** vhost-user: no profile rule matched, the limit is the profile's assumption. */
  limitKnown: boolean;
  /** Slots in use while devices were realised (vhost: at its own init). */
  usedAtInit: number;
  /** Slots in use once the guest driver has plugged every virtio-mem's requested-size. */
  usedAfterGuestPlug: number;
  /** Memory-device slots reserved (required − mapped) at the end; counted against every consumer. */
  reserved: number;
  /** ± this many slots: firmware and option ROMs change the boot-area split (KVM only). */
  uncertainty: number;
  /** Used exceeds the limit after reset (QEMU does not re-check; vhost_set_mem_table fails later). */
  overLimitAfterReset: boolean;
}

/**
 * One registration of a virtio-mem section with VFIO's DMA mapping check (docs/facts/memslots.md#vfio-dma-mappings): the check sums
 * over every section registered so far. `startup`: a device without dynamic-memslots (one section,
 * the whole device) when the VFIO device is realised or the device is plugged; `runtime`: a device
 * with dynamic-memslots once the guest has plugged all of it (every memslot mapped: the worst case).
 */
export interface VfioDmaCheck {
  /** The virtio-mem device. */
  id: string;
  ref: ModelRef;
  /** The VFIO device whose container checks (the first one realised; later ones share it). */
  vfio: string;
  vfioRef: ModelRef;
  when: 'startup' | 'runtime';
  size: number;
  blockSize: number;
  /** This device's sections (dynamic-memslots: its memslots; otherwise 1). */
  deviceSections: number;
  /** Totals over every section registered so far, this device's included. */
  mappings: number;
  sections: number;
  /** kvm_get_max_memslots(), 512 without KVM. */
  maxMemslots: number;
  dmaMaxMappings: number;
  /** mappings + maxMemslots − sections > dmaMaxMappings. */
  exceeded: boolean;
  /** QEMU 10.2+: an error (the VFIO device fails, or QEMU stops); before: a warning. */
  fatal: boolean;
  /** This check stopped QEMU during start-up (the simulation's outcome is `refused`). */
  refused: boolean;
}

export interface UnknownBackend {
  id: string;
  chardev: string | null;
  socketPath: string | null;
  assumedLimit: number;
  ref: ModelRef;
}

export interface AddressSpaceResult {
  cpuModel: string;
  vendor: 'amd' | 'intel' | 'other';
  /** The vendor is the host's (KVM) and the profile does not declare it. */
  vendorAssumed: boolean;
  physBits: number;
  physBitsFrom: 'written' | 'host' | 'default' | '32-bit';
  /** The phys-bits are the host's and the profile does not declare them. */
  physBitsAssumed: boolean;
  /** A 64-bit model (32-bit ones have no 64-bit PCI hole and take no phys-bits=). */
  longMode: boolean;
  belowFourG: number;
  aboveFourG: number;
  aboveFourGStart: number;
  amdRelocation: 'relocated' | 'below-hole' | 'not-amd' | 'machine-too-old';
  deviceMemoryBase: number | null;
  deviceMemorySize: number | null;
  pciHole64Start: number | null;
  pciHole64Size: number | null;
  maxUsedAddress: number;
  addressLimit: number;
  requiredPhysBits: number;
}

export interface Simulation {
  outcome: 'starts' | 'refused';
  /** `refusal.by`, `refusal.message` and `refusal.reason`, flat for the CLI's JSON contract. */
  refusedBy: string | null;
  error: string | null;
  reason: RefusalReason | null;
  memoryDevices: MemoryDeviceResult[];
  consumers: ConsumerResult[];
  events: SimulationEvent[];
  // --- beyond the CLI contract ---
  /** Why, where and with which text QEMU refuses to start; null when it starts. */
  refusal: Refusal | null;
  unknownBackends: UnknownBackend[];
  vhostActivity: VhostActivity[];
  /** Hot-plug steps that QEMU would refuse (the VM keeps running). */
  hotplugErrors: Array<{ step: number; id: string | null; reason: RefusalReason; error: string; hang: boolean }>;
  /** VFIO's DMA mapping checks of virtio-mem sections (empty without a VFIO device and virtio-mem). */
  vfioDma: VfioDmaCheck[];
  machine: {
    type: string;
    family: string;
    kvm: boolean;
    smmAddressSpace: boolean;
    ramSize: number;
    maxmem: number;
    slots: number;
    deviceMemorySpace: number;
    deviceMemoryUsed: number;
    requiredMemslots: number;
    usedMemslots: number;
    reservedMemslots: number;
    autoDecisionActive: boolean;
    /** x86 pc/q35: the guest CPU and the guest-physical layout QEMU computed (address-space.ts). */
    addressSpace: AddressSpaceResult | null;
  };
  profile: Record<string, { value: string | number | boolean; source: ProfileSource; origin: string }>;
}
