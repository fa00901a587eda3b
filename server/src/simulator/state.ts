import type { Chardev, MachineModel, MemoryBackend, MemoryDevice, MemoryDeviceKind, VhostBackendKind } from '../model/machine';
import { idIndex } from '../model/references';
import type { HostProfile, ProfileSource } from './profile';
import type { QemuVersion } from './version';
import { atLeast } from './version';
import type { GuestCpu } from './guest-cpu';
import type { PlacedRegion } from './placement';
import type { AddressSpace } from './address-space';
import type { BootLayout, MachineTypeInfo, SectionCounts } from './layout';
import type { ModelRef, SimulationEvent, SlotTotals, UnknownBackend, VfioDmaCheck } from './types';

/**
 * The mutable state of one simulation run: QEMU's memory-device counters (required, used,
 * reserved, the auto-decision counter), the vhost devices initialised so far, and the boot layout
 * at the current moment. Queries mirror QEMU's functions of the same purpose.
 */
export type Stage = 'netdevs' | 'realize' | 'reset';

/** vhost-user back-ends map fd-backed RAM only; kernel and vDPA back-ends map all RAM. */
export type VhostGroup = 'user' | 'private';

export function vhostGroup(kind: VhostBackendKind): VhostGroup {
  return kind === 'vhost-user' ? 'user' : 'private';
}

export interface MemoryDeviceState {
  device: MemoryDevice;
  ref: ModelRef;
  id: string;
  driver: string;
  kind: MemoryDeviceKind;
  size: number;
  memslots: number;
  memslotSize: number | null;
  mapped: number;
  mappedAfterGuestPlug: number;
  requestedSize: number | null;
  blockSize: number | null;
  dynamic: boolean;
  dynamicSource: 'written' | 'global' | 'flavour-default' | 'default' | 'not-applicable';
  decisionLimit: number | null;
  autoDecided: boolean;
  /** vhost-user maps this device's memory. */
  userVisible: boolean;
  /** Read-only memory: KVM maps it, vhost does not. */
  readOnly: boolean;
  fdBacked: boolean;
  unpluggedInaccessible: boolean;
  backendId: string | null;
  status: 'plugged' | 'refused' | 'unplugged';
  /** Guest-physical address QEMU gave the device (null: not placed, or the window is not modelled). */
  addr: number | null;
  /** DIMM slot (pc-dimm, nvdimm). */
  slot: number | null;
}

export interface VhostState {
  id: string;
  ref: ModelRef;
  kind: VhostBackendKind;
  limit: number | null;
  limitSource: { source: ProfileSource | 'qemu' | 'assumed'; origin: string };
  limitKnown: boolean;
  usedAtInit: number;
  active: boolean;
  /** Steps between which the device counted (see VhostActivity). */
  fromStep: number;
  untilStep: number | null;
}

export interface Context {
  model: MachineModel;
  profile: HostProfile;
  version: QemuVersion;
  machineType: MachineTypeInfo;
  layout: BootLayout;
  kvm: boolean;
  smmAddressSpace: boolean;
  /** x86 pc/q35 only: the guest CPU and the guest-physical layout QEMU computes for it. */
  cpu: GuestCpu | null;
  space: AddressSpace | null;
}

export class SimState {
  stage: Stage = 'netdevs';
  required = 0;
  usedRegionSize = 0;
  autoDecisions = 0;
  mappedAll = 0;
  mappedUser = 0;
  /** Of mappedAll, the read-only sections vhost leaves out. */
  mappedRom = 0;
  dimmsPlugged = 0;
  /** Slots of the realised DIMMs, and every placed memory device's region sorted by address. */
  readonly dimmSlots = new Set<number>();
  readonly placed: PlacedRegion[] = [];
  balloons = 0;
  readonly memoryDevices: MemoryDeviceState[] = [];
  /** The VFIO container, once the first VFIO device is realised, with the sections registered so far. */
  vfio: { id: string; ref: ModelRef; mappings: number; sections: number } | null = null;
  readonly vfioChecks: VfioDmaCheck[] = [];
  readonly vhosts: VhostState[] = [];
  readonly events: SimulationEvent[] = [];
  readonly unknownBackends: UnknownBackend[] = [];
  readonly busyBackends = new Set<string>();
  readonly backends: Map<string, MemoryBackend>;
  readonly chardevs: Map<string, Chardev>;
  /** QEMU 8.2–10.0: removing a vhost device zeroes its group's used counter until the next commit. */
  readonly trackingReset = new Set<VhostGroup>();
  private minLimit: Record<VhostGroup, number> = { user: Infinity, private: Infinity };
  /** The slot totals last stamped on events (see settleUsage), shared while they do not change. */
  lastSlotTotals?: SlotTotals;

  constructor(readonly ctx: Context) {
    // Copies: hot-plug adds and removes backends and chardevs as QEMU runs.
    this.backends = new Map(idIndex(ctx.model.backends));
    this.chardevs = new Map(idIndex(ctx.model.chardevs));
    for (const piece of ctx.layout.backends) if (piece.backendId) this.busyBackends.add(piece.backendId);
  }

  get modern(): boolean {
    return atLeast(this.ctx.version, 8, 2);
  }

  boot(): SectionCounts {
    if (this.stage === 'netdevs') return { kvm: 0, vhostAll: 0, vhostUser: 0 };
    return this.stage === 'realize' ? this.ctx.layout.atRealize : this.ctx.layout.afterReset;
  }

  kvmUsed(addressSpace: 0 | 1): number {
    const base = this.boot().kvm + this.mappedAll;
    // KVM-SMRAM mirrors all of system memory plus the SMRAM window (docs/facts/memslots.md#smm-address-space).
    return addressSpace === 1 && this.stage !== 'netdevs' ? base + 1 : base;
  }

  kvmFree(): number {
    if (!this.ctx.kvm) return Infinity;
    // 8.2+ takes the fullest address space; older QEMU looked at address space 0 only.
    const used = this.modern && this.ctx.smmAddressSpace ? this.kvmUsed(1) : this.kvmUsed(0);
    return this.ctx.profile.kvmMemslots.value - used;
  }

  kvmMax(): number {
    return this.ctx.kvm ? this.ctx.profile.kvmMemslots.value : Infinity;
  }

  vhostUsed(kind: VhostBackendKind): number {
    const boot = this.boot();
    return kind === 'vhost-user' ? boot.vhostUser + this.mappedUser : boot.vhostAll + this.mappedAll - this.mappedRom;
  }

  /** What QEMU's used-slot tracking reports for a group (differs from the truth after the 8.2–10.0 bug). */
  trackedUsed(group: VhostGroup): number {
    if (this.trackingReset.has(group)) return 0;
    return this.vhostUsed(group === 'user' ? 'vhost-user' : 'vhost-kernel');
  }

  vhostMax(): number {
    return Math.min(this.minLimit.user, this.minLimit.private);
  }

  vhostFree(): number {
    let free = Infinity;
    for (const group of ['user', 'private'] as const) {
      if (Number.isFinite(this.minLimit[group])) free = Math.min(free, this.minLimit[group] - this.trackedUsed(group));
    }
    return free;
  }

  groupLimit(group: VhostGroup): number {
    return this.minLimit[group];
  }

  reserved(): number {
    if (!this.ctx.layout.hasDeviceMemory) return 0;
    return Math.max(0, this.required - this.mappedAll);
  }

  addVhost(vhost: VhostState): void {
    this.vhosts.push(vhost);
    const group = vhostGroup(vhost.kind);
    if (vhost.limit !== null) this.minLimit[group] = Math.min(this.minLimit[group], vhost.limit);
    // Registering the device's memory listener commits, which refreshes its group's counter.
    this.trackingReset.delete(group);
  }

  removeVhost(vhost: VhostState): void {
    vhost.active = false;
    vhost.untilStep = this.events.length;
    const group = vhostGroup(vhost.kind);
    this.minLimit[group] = Infinity;
    for (const other of this.vhosts) {
      if (other.active && other.limit !== null && vhostGroup(other.kind) === group) {
        this.minLimit[group] = Math.min(this.minLimit[group], other.limit);
      }
    }
    if (this.modern && !atLeast(this.ctx.version, 10, 1)) this.trackingReset.add(group);
  }

  /** A memory transaction that maps or unmaps RAM: every vhost device commits and recounts. */
  setMapped(device: MemoryDeviceState, mapped: number): void {
    const delta = mapped - device.mapped;
    if (delta === 0) return;
    device.mapped = mapped;
    this.mappedAll += delta;
    if (device.userVisible) this.mappedUser += delta;
    if (device.readOnly) this.mappedRom += delta;
    this.trackingReset.clear();
  }

  nextStep(): number {
    return this.events.length + 1;
  }
}
