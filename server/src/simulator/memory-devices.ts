import type { Device, MemoryBackend, MemoryDevice, MemoryDeviceKind } from '../model/machine';
import type { Property } from '../model/values';
import { booleanValue, parseBoolean } from '../model/sizes';
import { size as formatSize } from './format';
import { atLeast } from './version';
import { backendHasFd, backendIsRom, machineTypeAtMost, vhostUserCounts } from './layout';
import { HOST_PAGE_SIZE, THP_SIZE } from './constants';
import { messages } from './messages';
import { assignSlot, deviceAlignment, findAddress, insertRegion, regionAlignment } from './placement';
import { decisionLimit, hvBalloonMemslots, virtioMemMemslots } from './decision';
import { openEvent, refuse } from './events';
import type { MemoryDeviceState, SimState } from './state';
import type { EventPhase, ModelRef, RefusalReason, SimulationEvent } from './types';

/**
 * Pre-plug, realize and plug of one memory device, in QEMU's order (docs/facts/memory-devices.md#plug-sequence):
 * bus and DIMM-slot checks, device memory present, the memslot decision, KVM / vhost / space
 * checks, then realize errors (busy memdev, virtio-mem properties), then the plug counters.
 */

function globalValue(state: SimState, drivers: string[], property: string): string | undefined {
  let value: string | undefined;
  for (const global of state.ctx.model.globals) {
    if (drivers.includes(global.driver.value) && global.property.value === property) value = global.value.value;
  }
  return value;
}

const virtioMemDrivers = ['virtio-mem', 'virtio-mem-pci', 'virtio-mem-ccw'];

function resolveDynamicMemslots(state: SimState, device: MemoryDevice): Pick<MemoryDeviceState, 'dynamic' | 'dynamicSource'> {
  if (device.memoryKind !== 'virtio-mem' || !state.modern) return { dynamic: false, dynamicSource: 'not-applicable' };
  if (device.dynamicMemslots) {
    return { dynamic: device.dynamicMemslots.value, dynamicSource: device.dynamicMemslots.origin === 'global' ? 'global' : 'written' };
  }
  const global = globalValue(state, virtioMemDrivers, 'dynamic-memslots');
  if (global !== undefined) {
    const parsed = parseBoolean(global);
    if (parsed.ok) return { dynamic: parsed.value, dynamicSource: 'global' };
  }
  if (state.ctx.profile.qemuFlavor.value === 'rhel') return { dynamic: true, dynamicSource: 'flavour-default' };
  return { dynamic: false, dynamicSource: 'default' };
}

/** A boolean property among those written (last one wins, as QEMU's keyval merge does); false when absent. */
function flagOf(properties: Property[], key: string): boolean {
  let value = false;
  for (const property of properties) {
    if (property.key !== key) continue;
    value = booleanValue(property.value) ?? value;
  }
  return value;
}

function machineFlag(state: SimState, key: string): boolean {
  return flagOf(state.ctx.model.machine.properties, key);
}

/** `-machine acpi=off` (OnOffAuto: auto is on for pc and q35), as the last one written says. */
function acpiOff(state: SimState): boolean {
  let off = false;
  for (const property of state.ctx.model.machine.properties) {
    if (property.key === 'acpi') off = booleanValue(property.value) === false;
  }
  return off;
}

/** A backend with a guaranteed shared zeropage: private, fd-less, base-page-size RAM. */
function hasSharedZeropage(backend: MemoryBackend): boolean {
  return backend.type.value === 'memory-backend-ram' && !backend.share.value && !backend.hugetlb?.value;
}

function resolveUnpluggedInaccessible(
  state: SimState, device: MemoryDevice, backend: MemoryBackend,
): { value: boolean; explanation: string } {
  const { version, machineType, model } = state.ctx;
  if (!model.arch.startsWith('x86') && model.arch !== 'i386') return { value: true, explanation: 'non-x86 targets always behave as on' };
  if (!atLeast(version, 7, 0)) return { value: false, explanation: `QEMU ${version.major}.${version.minor} has no unplugged-inaccessible (behaves as off)` };
  let setting: boolean | 'auto';
  let why: string;
  const written = device.unpluggedInaccessible;
  const global = globalValue(state, virtioMemDrivers, 'unplugged-inaccessible');
  if (written) {
    setting = written.value;
    why = 'as written';
  } else if (global !== undefined && (global === 'auto' || parseBoolean(global).ok)) {
    setting = global === 'auto' ? 'auto' : (parseBoolean(global) as { ok: true; value: boolean }).value;
    why = 'from -global';
  } else if (machineTypeAtMost(machineType, 6, 2)) {
    setting = false;
    why = `machine type ${machineType.name} (6.2 or older) defaults to off`;
  } else if (machineTypeAtMost(machineType, 8, 0) || !atLeast(version, 8, 1)) {
    setting = 'auto';
    why = machineTypeAtMost(machineType, 8, 0) ? `machine type ${machineType.name} (8.0 or older) defaults to auto` : 'QEMU before 8.1 defaults to auto';
  } else {
    setting = true;
    why = 'default on (QEMU 8.1+ machine types)';
  }
  if (setting !== 'auto') return { value: setting, explanation: `unplugged-inaccessible=${setting ? 'on' : 'off'} (${why})` };
  const zeropage = hasSharedZeropage(backend);
  return {
    value: !zeropage,
    explanation: `unplugged-inaccessible=auto (${why}) resolves to ${zeropage ? 'off: the backend is private anonymous RAM with a shared zeropage' : 'on: the backend has no shared zeropage'}`,
  };
}

function defaultBlockSize(backend: MemoryBackend): number {
  if (backend.hugetlb?.value) return backend.hugetlbSize?.value ?? THP_SIZE;
  return Math.max(HOST_PAGE_SIZE, THP_SIZE);
}

function backendPageSize(backend: MemoryBackend): number {
  return backend.hugetlb?.value ? backend.hugetlbSize?.value ?? THP_SIZE : HOST_PAGE_SIZE;
}

/** q35's root bus pcie.0 takes no hot-plugged devices; a device without bus= lands there. */
export function onRootBus(device: Device): boolean {
  const bus = device.kind === 'memory-device' && device.bus ? device.bus.value : device.properties.find((p) => p.key === 'bus')?.value;
  return bus === undefined || bus === 'pcie.0';
}

export function deviceLabel(id: string | undefined, driver: string, index: number): string {
  return id ?? `${driver}#${index}`;
}

/** Why QEMU refuses the plug at one step, and its text (display only); a step returns null to let the plug go on. */
interface StepRefusal {
  reason: RefusalReason;
  message: string;
}

/** One memory device's plug as far as it has got; the steps read it and record what they decide in `event`. */
interface Plug {
  state: SimState;
  event: SimulationEvent;
  device: MemoryDevice;
  ref: ModelRef;
  phase: EventPhase;
  id: string;
  driver: string;
  kind: MemoryDeviceKind;
  /** The DIMM slot checkDimmSlot took (pc-dimm, nvdimm); null for the other devices. */
  slot: number | null;
}

/** A plug whose memdev is found and whose memslots are decided: what a refused or plugged entry records. */
interface SizedPlug extends Plug {
  backendId: string;
  backend: MemoryBackend;
  size: number;
  fdBacked: boolean;
  dynamic: Pick<MemoryDeviceState, 'dynamic' | 'dynamicSource'>;
  /** The memslot count is decided at plug (dynamic virtio-mem, hv-balloon), not fixed at one. */
  decides: boolean;
  reserved: number;
  memslots: number;
  memslotSize: number | null;
  limit: number | null;
  blockSize: number | null;
  /** Set by placeRegion: the guest-physical address (null while unplaced or when the window is not modelled). */
  addr: number | null;
  /** Set by checkRealize for virtio-mem: unplugged-inaccessible as resolved. */
  inaccessible: { value: boolean; explanation: string } | null;
}

/**
 * The steps run in QEMU's order; the first refusal ends the plug. A refusal before the memslots are decided
 * leaves no memory-device entry; one after it records the device as refused (its memslots are still shown).
 */
export function plugMemoryDevice(state: SimState, device: MemoryDevice, ref: ModelRef, phase: EventPhase): SimulationEvent {
  const driver = device.driver.value;
  const id = deviceLabel(device.id?.value, driver, ref.index);
  const event = openEvent(state, phase, 'memory-device-plug', id, ref);
  const plug: Plug = { state, event, device, ref, phase, id, driver, kind: device.memoryKind, slot: null };
  const early = checkDeviceModel(plug) ?? checkHotplugBus(plug) ?? checkDimmSlot(plug);
  if (early) return refuse(event, early.reason, early.message);
  // An hv-balloon without memdev is an "empty" memory device: no address, no memslots.
  if (plug.kind === 'hv-balloon' && !device.memdev) {
    const refused = plugEmptyBalloon(plug);
    return refused ? refuse(event, refused.reason, refused.message) : event;
  }
  const memdev = findMemdev(plug);
  if ('reason' in memdev) return refuse(event, memdev.reason, memdev.message);
  const sized = decideMemslots(plug, memdev.backendId, memdev.backend);
  const refusal = checkFreeMemslots(sized) ?? checkDeviceMemorySpace(sized) ?? placeRegion(sized) ?? checkRealize(sized);
  if (refusal) {
    refuse(event, refusal.reason, refusal.message);
    recordRefused(sized);
  } else {
    recordPlugged(sized);
  }
  return event;
}

/** Device models and properties this QEMU does not have. */
function checkDeviceModel({ state, device, driver, kind }: Plug): StepRefusal | null {
  if (kind === 'hv-balloon' && !state.modern) return { reason: 'unknown-device-model', message: messages.invalidDeviceModel(driver) };
  if (kind === 'virtio-mem' && device.dynamicMemslots?.origin === 'written' && !state.modern) {
    return { reason: 'dynamic-memslots-unsupported', message: messages.propertyNotFound(driver, 'dynamic-memslots') };
  }
  return null;
}

function checkHotplugBus({ state, device, driver, phase }: Plug): StepRefusal | null {
  if (phase === 'hotplug' && state.ctx.machineType.family === 'q35' && driver.endsWith('-pci') && onRootBus(device)) {
    return { reason: 'bus-not-hotpluggable', message: messages.busNotHotpluggable('pcie.0') };
  }
  return null;
}

/** pc-dimm and nvdimm: NVDIMM support on the machine, then a free (or the written) DIMM slot. */
function checkDimmSlot(plug: Plug): StepRefusal | null {
  const { state, event, device, kind } = plug;
  if (kind !== 'pc-dimm' && kind !== 'nvdimm') return null;
  // pc_memory_pre_plug(): DIMMs need the ACPI hot-plug device, even cold-plugged (docs/facts/memory-devices.md#acpi).
  if (acpiOff(state)) return { reason: 'memory-hotplug-disabled', message: messages.memoryHotplugDisabled };
  if (kind === 'nvdimm' && !machineFlag(state, 'nvdimm')) return { reason: 'nvdimm-not-enabled', message: messages.nvdimmNotEnabled };
  const { slots } = state.ctx.layout;
  const assigned = assignSlot(device.slot?.value, slots, state.dimmSlots);
  const ok = 'slot' in assigned;
  event.decisions.push({
    what: 'dimm-slot-check', inputs: { slots, dimmsPlugged: state.dimmsPlugged, written: device.slot?.value ?? null },
    result: ok ? assigned.slot : false, passed: ok, explanation: assigned.explanation,
  });
  if (!ok) return { reason: assigned.reason, message: assigned.error };
  plug.slot = assigned.slot;
  return null;
}

function plugEmptyBalloon({ state, event }: Plug): StepRefusal | null {
  if (state.balloons > 0) return { reason: 'only-one-balloon', message: messages.onlyOneBalloon };
  state.balloons++;
  event.decisions.push({ what: 'memslots', inputs: {}, result: 0, explanation: 'hv-balloon without memdev is an empty memory device: no memslots' });
  return null;
}

/** Device memory on the machine, then the memdev: set, and an existing backend. */
function findMemdev({ state, event, device, driver }: Plug): StepRefusal | { backendId: string; backend: MemoryBackend } {
  const { layout, version } = state.ctx;
  if (!layout.hasDeviceMemory) {
    event.decisions.push({
      what: 'space-check', inputs: { ram: layout.ramSize, maxmem: layout.maxmem }, result: false, passed: false,
      explanation: 'the machine has no device memory: maxmem is not larger than the boot RAM',
    });
    return { reason: 'no-device-memory', message: atLeast(version, 8, 1) ? messages.noDeviceMemory : messages.noDeviceMemoryLegacy };
  }
  if (!device.memdev) return { reason: 'memdev-missing', message: messages.memdevMustBeSet };
  const backendId = device.memdev.value;
  const backend = state.backends.get(backendId);
  if (!backend) return { reason: 'memdev-not-found', message: messages.memdevNotFound(driver, backendId) };
  return { backendId, backend };
}

/** How many memslots the device takes: one, or (dynamic virtio-mem, hv-balloon) as the memslot decision says. */
function decideMemslots(plug: Plug, backendId: string, backend: MemoryBackend): SizedPlug {
  const { state, event, device, driver, kind } = plug;
  const { ctx } = state;
  const { layout } = ctx;
  const size = backend.size?.value ?? 0;
  const fdBacked = backendHasFd(backend, ctx.version);
  const dynamic = resolveDynamicMemslots(state, device);
  const decides = (kind === 'virtio-mem' && dynamic.dynamic) || kind === 'hv-balloon';
  const reserved = state.reserved();
  const blockSize = kind === 'virtio-mem' ? device.blockSize?.value ?? defaultBlockSize(backend) : null;
  const sized: SizedPlug = {
    ...plug, backendId, backend, size, fdBacked, dynamic, decides, reserved, blockSize,
    memslots: 1, memslotSize: kind === 'virtio-mem' ? size : null, limit: null, addr: null, inaccessible: null,
  };
  if (kind === 'virtio-mem') {
    event.decisions.push({
      what: 'dynamic-memslots', inputs: { source: dynamic.dynamicSource, flavour: ctx.profile.qemuFlavor.value }, result: dynamic.dynamic,
      explanation: `dynamic-memslots=${dynamic.dynamic ? 'on' : 'off'} (${describeDynamicSource(dynamic.dynamicSource, ctx.profile.qemuFlavor.origin)})`,
    });
  }
  if (!decides) {
    event.decisions.push({
      what: 'memslots', inputs: { size }, result: 1,
      explanation: kind === 'virtio-mem'
        ? `1 memslot: without dynamic-memslots the whole ${formatSize(size)} backend is mapped as one region at plug`
        : `1 memslot: a ${driver} maps its ${formatSize(size)} backend as one region`,
    });
    return sized;
  }
  const max = Math.min(state.kvmMax(), state.vhostMax());
  const free = Math.min(state.kvmFree(), state.vhostFree());
  const limit = decisionLimit({
    max, free, required: state.required, reserved, size,
    deviceMemorySpace: layout.deviceMemorySpace, usedRegionSize: state.usedRegionSize,
  });
  sized.limit = limit.limit;
  event.decisions.push({
    what: 'decision-limit',
    inputs: {
      max: finite(max), free: finite(free), required: state.required, reserved, size,
      deviceMemorySpace: layout.deviceMemorySpace, usedRegionSize: state.usedRegionSize, budget: limit.budget, branch: limit.branch,
    },
    result: limit.limit,
    explanation: limit.explanation,
  });
  const split = kind === 'hv-balloon'
    ? hvBalloonMemslots(size, limit.limit)
    : virtioMemMemslots(size, limit.limit, blockSize ?? THP_SIZE, backendPageSize(backend));
  sized.memslots = split.memslots;
  sized.memslotSize = split.memslotSize;
  event.decisions.push({
    what: 'memslots', inputs: { size, limit: limit.limit, blockSize }, result: split.memslots, explanation: split.explanation,
  });
  return sized;
}

function checkFreeMemslots(plug: SizedPlug): StepRefusal | null {
  const { state, event } = plug;
  return state.modern ? modernSlotChecks(state, event, plug.memslots, plug.reserved) : legacySlotChecks(state, event);
}

function checkDeviceMemorySpace({ state, event, size }: SizedPlug): StepRefusal | null {
  const total = state.ctx.layout.deviceMemorySpace;
  const fits = state.usedRegionSize + size <= total;
  event.decisions.push({
    what: 'space-check', inputs: { used: state.usedRegionSize, size, total }, result: fits, passed: fits,
    explanation: `${formatSize(state.usedRegionSize)} in use + ${formatSize(size)} ${fits ? '≤' : '>'} ${formatSize(total)} of memory-device space (maxmem − ram)`,
  });
  return fits ? null : { reason: 'device-memory-full', message: messages.notEnoughSpace(state.usedRegionSize, total) };
}

/** The counters of a plugged device: memslots, space, slots and the busy memdev. */
function recordPlugged(plug: SizedPlug): void {
  const { state, device, kind, size, memslots, decides, slot, addr } = plug;
  const autoDecided = decides && memslots > 1;
  const requested = kind === 'virtio-mem' ? device.requestedSize?.value ?? 0 : null;
  const entry = memoryDeviceEntry(plug, {
    mappedAfterGuestPlug: guestMapped(kind, plug.dynamic.dynamic, requested, memslots, plug.memslotSize),
    requestedSize: requested, autoDecided, unpluggedInaccessible: plug.inaccessible?.value ?? true, status: 'plugged', addr, slot,
  });
  state.memoryDevices.push(entry);
  state.required += memslots;
  state.usedRegionSize += size;
  if (autoDecided) state.autoDecisions++;
  if (kind === 'pc-dimm' || kind === 'nvdimm') state.dimmsPlugged++;
  if (slot !== null) state.dimmSlots.add(slot);
  if (addr !== null) insertRegion(state.placed, { id: plug.id, qemuId: device.id?.value ?? '(unnamed)', start: addr, size });
  if (kind === 'hv-balloon') state.balloons++;
  state.busyBackends.add(plug.backendId);
  // A device whose memslots are decided maps none at plug: the guest driver maps them as it plugs memory.
  state.setMapped(entry, decides ? 0 : 1);
}

/** A refused device keeps its entry (what it would have taken), with nothing mapped, placed or counted. */
function recordRefused(plug: SizedPlug): void {
  plug.state.memoryDevices.push(memoryDeviceEntry(plug, {
    mappedAfterGuestPlug: 0, requestedSize: plug.device.requestedSize?.value ?? null, autoDecided: false, unpluggedInaccessible: true,
    status: 'refused', addr: null, slot: null,
  }));
}

type PlugOutcome = Pick<MemoryDeviceState, 'mappedAfterGuestPlug' | 'requestedSize' | 'autoDecided' | 'unpluggedInaccessible' | 'status' | 'addr' | 'slot'>;

function memoryDeviceEntry(plug: SizedPlug, outcome: PlugOutcome): MemoryDeviceState {
  const { device, ref, id, driver, kind, size, memslots, memslotSize, blockSize, dynamic, backend, fdBacked } = plug;
  const readOnly = backendIsRom(backend);
  return {
    device, ref, id, driver, kind, size, memslots, memslotSize, mapped: 0, mappedAfterGuestPlug: outcome.mappedAfterGuestPlug,
    requestedSize: outcome.requestedSize, blockSize, dynamic: dynamic.dynamic, dynamicSource: dynamic.dynamicSource,
    decisionLimit: plug.limit, autoDecided: outcome.autoDecided,
    userVisible: vhostUserCounts(fdBacked, backend.share.value, plug.state.ctx.version) && !readOnly, readOnly, fdBacked,
    unpluggedInaccessible: outcome.unpluggedInaccessible, backendId: plug.backendId,
    status: outcome.status, addr: outcome.addr, slot: outcome.slot,
  };
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function describeDynamicSource(source: MemoryDeviceState['dynamicSource'], flavourOrigin: string): string {
  switch (source) {
    case 'written': return 'as written';
    case 'global': return 'from -global';
    case 'flavour-default': return `not written; this QEMU flavour turns it on by default (${flavourOrigin}) [unverified third-party statement]`;
    case 'default': return 'not written; upstream default off';
    default: return 'not available in this QEMU version';
  }
}

/** The memslots the guest driver maps once it has plugged requested-size (blocks from the start). */
export function guestMapped(kind: MemoryDeviceState['kind'], dynamic: boolean, requested: number | null, memslots: number, memslotSize: number | null): number {
  if (kind === 'hv-balloon') return 0;
  if (kind !== 'virtio-mem' || !dynamic) return 1;
  if (!requested || !memslotSize) return 0;
  return Math.min(memslots, Math.ceil(requested / memslotSize));
}

function modernSlotChecks(state: SimState, event: SimulationEvent, memslots: number, reserved: number): StepRefusal | null {
  const need = memslots + reserved;
  if (state.ctx.kvm) {
    const free = state.kvmFree();
    const ok = free >= need;
    event.decisions.push({
      what: 'kvm-free-check', inputs: { free, required: memslots, reserved }, result: ok, passed: ok,
      explanation: `KVM has ${free} free memslots ${ok ? '≥' : '<'} ${memslots} required + ${reserved} reserved`,
    });
    if (!ok) return { reason: 'kvm-slots-exhausted', message: messages.kvmNotEnoughFree };
  }
  const vfree = state.vhostFree();
  if (Number.isFinite(vfree)) {
    const ok = vfree >= need;
    event.decisions.push({
      what: 'vhost-free-check', inputs: { free: vfree, required: memslots, reserved }, result: ok, passed: ok,
      explanation: `the fullest vhost back-end has ${vfree} free memslots ${ok ? '≥' : '<'} ${memslots} required + ${reserved} reserved`,
    });
    if (!ok) return { reason: 'vhost-slots-exhausted', message: messages.vhostNotEnoughFree };
  }
  return null;
}

function legacySlotChecks(state: SimState, event: SimulationEvent): StepRefusal | null {
  if (state.ctx.kvm) {
    const free = state.ctx.profile.kvmMemslots.value - state.kvmUsed(0);
    const ok = free >= 1;
    event.decisions.push({ what: 'kvm-free-check', inputs: { free }, result: ok, passed: ok, explanation: `KVM address space 0 has ${free} free memslots (QEMU ≤ 8.1 needs one)` });
    if (!ok) return { reason: 'kvm-slots-exhausted', message: messages.kvmNoFreeLegacy };
  }
  for (const group of ['user', 'private'] as const) {
    const limit = state.groupLimit(group);
    if (!Number.isFinite(limit)) continue;
    const used = state.trackedUsed(group);
    const ok = limit > used;
    event.decisions.push({ what: 'vhost-free-check', inputs: { limit, used }, result: ok, passed: ok, explanation: `vhost ${group === 'user' ? 'user' : 'kernel'} limit ${limit} ${ok ? '>' : '≤'} ${used} used memslots` });
    if (!ok) return { reason: 'vhost-slots-exhausted', message: messages.vhostNoFreeLegacy };
  }
  return null;
}

/** Realize: the memdev free, then the NVDIMM's and virtio-mem's own properties against their backend. */
function checkRealize(plug: SizedPlug): StepRefusal | null {
  const { state, event, device, backend, backendId, kind, blockSize } = plug;
  const inaccessible = kind === 'virtio-mem' ? resolveUnpluggedInaccessible(state, device, backend) : null;
  plug.inaccessible = inaccessible;
  if (kind === 'hv-balloon' && state.balloons > 0) return { reason: 'only-one-balloon', message: messages.onlyOneBalloon };
  if (state.busyBackends.has(backendId)) {
    return { reason: 'memdev-busy', message: kind === 'pc-dimm' || kind === 'nvdimm' ? messages.dimmBusyMemdev(backendId) : messages.virtioMemBusyMemdev(backendId) };
  }
  // hw/mem/nvdimm.c nvdimm_prepare_memory_region(): a guest could not write a read-only NVDIMM's label or data.
  if (kind === 'nvdimm' && backendIsRom(backend) && !flagOf(device.properties, 'unarmed')) return { reason: 'read-only-nvdimm-armed', message: messages.nvdimmReadOnlyNeedsUnarmed(backendId) };
  if (kind !== 'virtio-mem') return null;
  if (backend.type.value === 'memory-backend-epc') return { reason: 'memdev-unsupported', message: messages.virtioMemUnsupportedMemdev };
  if (backend.prealloc?.value) return { reason: 'memdev-prealloc', message: messages.virtioMemPreallocMemdev(backendId) };
  const block = blockSize ?? THP_SIZE;
  const requested = device.requestedSize?.value ?? 0;
  if (requested % block !== 0) return { reason: 'requested-size-alignment', message: messages.requestedSizeNotAligned(block) };
  if ((backend.size?.value ?? 0) % block !== 0) return { reason: 'memdev-size-alignment', message: messages.memdevSizeNotAligned(block) };
  if (!inaccessible) return null;
  event.decisions.push({ what: 'unplugged-inaccessible', inputs: { backend: backend.type.value, share: backend.share.value }, result: inaccessible.value, explanation: inaccessible.explanation });
  if (!inaccessible.value && !hasSharedZeropage(backend)) event.warnings.push(messages.unpluggedInaccessibleOffWarning);
  if (plug.dynamic.dynamic && !inaccessible.value) {
    return { reason: 'dynamic-memslots-needs-unplugged-inaccessible', message: messages.dynamicMemslotsNeedsUnpluggedInaccessible };
  }
  // hw/virtio/vhost-vdpa.c vhost_vdpa_init() pins all guest memory and disables discarding it
  // (ram_block_discard_disable()); virtio-mem needs discarding (virtio_mem_device_realize()).
  const vdpa = state.vhosts.find((vhost) => vhost.active && vhost.kind === 'vhost-vdpa');
  if (vdpa) {
    event.decisions.push({ what: 'discard', inputs: { vdpa: vdpa.id }, result: false, passed: false, explanation: `${vdpa.id} (vhost-vdpa) pins guest memory and disables discarding, which virtio-mem needs` });
    return { reason: 'discard-disabled', message: messages.discardDisabled };
  }
  return null;
}

/**
 * memory_device_pre_plug() after the space check: the region's size must be a multiple of its
 * alignment, then the address (x86 pc/q35 only: other machines' windows are not modelled).
 */
function placeRegion(plug: SizedPlug): StepRefusal | null {
  const { state, event, device, backend, size, blockSize } = plug;
  const window = state.ctx.space?.deviceMemory;
  if (!window) return null;
  const regionAlign = regionAlignment(backend);
  if (size % regionAlign !== 0) {
    event.decisions.push({
      what: 'device-address', inputs: { size, alignment: regionAlign, problem: 'size' }, result: false, passed: false,
      explanation: `the ${formatSize(size)} backend is not a multiple of its memory region's alignment 0x${regionAlign.toString(16)}`,
    });
    return { reason: 'memory-region-alignment', message: messages.sizeNotAligned(regionAlign) };
  }
  const align = deviceAlignment(device, backend, blockSize);
  const hint = device.memaddr?.value;
  const found = findAddress(window, state.placed, hint, align, size);
  const ok = 'addr' in found;
  event.decisions.push({
    what: 'device-address',
    inputs: {
      hint: hint ?? null, alignment: align, size, windowBase: window.base, windowSize: window.size,
      problem: 'problem' in found ? found.problem : null, conflictWith: 'conflictWith' in found ? found.conflictWith ?? null : null,
    },
    result: ok ? found.addr : false, passed: ok, explanation: found.explanation,
  });
  if (!ok) return { reason: 'memory-address-unusable', message: found.error };
  plug.addr = found.addr;
  return null;
}

/**
 * `device_del` of a memory device: QEMU's unplug-request checks (docs/facts/hotplug.md#unplug-requests). A
 * request that passes is only a request: the device goes once the guest ejects it, which memslot
 * does not assume (QEMU 10.0.2 answers a paused VM's DIMM and virtio-mem unplug with success and
 * keeps the device, its memdev busy and its slots in use).
 */
export function unplugMemoryDevice(state: SimState, entry: MemoryDeviceState, ref: ModelRef): SimulationEvent {
  const event = openEvent(state, 'hotplug', 'memory-device-unplug', entry.id, ref);
  if (entry.kind === 'nvdimm') return refuse(event, 'nvdimm-unplug-unsupported', messages.nvdimmUnplugUnsupported);
  if (entry.kind === 'virtio-mem') {
    const inputs = { unpluggedInaccessible: entry.unpluggedInaccessible, requestedSize: entry.requestedSize };
    let error: string | null = null;
    // The guest has plugged nothing while memslot answers (as in a paused VM): only requested-size can block.
    if (!entry.unpluggedInaccessible) error = messages.virtioMemUnplugInaccessible;
    else if ((entry.requestedSize ?? 0) !== 0) error = messages.virtioMemUnplugRequested;
    event.decisions.push({
      what: 'unplug-check', inputs, result: error === null, passed: error === null,
      explanation: error === null
        ? 'virtio-mem has requested-size 0: QEMU accepts the unplug request'
        : `requested-size is ${formatSize(entry.requestedSize ?? 0)}: QEMU refuses the unplug request until it is 0`,
    });
    if (error) return refuse(event, 'virtio-mem-unplug-refused', error);
  }
  return event;
}

/**
 * `qom-set <id> requested-size <n>`: QEMU's checks, then the new target. What the guest driver
 * then plugs is not assumed (nothing is mapped while the guest has not acted).
 */
export function setRequestedSize(state: SimState, entry: MemoryDeviceState, value: number, ref: ModelRef): SimulationEvent {
  const event = openEvent(state, 'hotplug', 'requested-size', entry.id, ref);
  const block = entry.blockSize ?? THP_SIZE;
  if (value % block !== 0) return refuse(event, 'requested-size-alignment', messages.qomRequestedSizeNotAligned(block));
  if (value > entry.size) return refuse(event, 'requested-size-too-big', messages.qomRequestedSizeTooBig(entry.size));
  entry.requestedSize = value;
  const mapped = guestMapped(entry.kind, entry.dynamic, value, entry.memslots, entry.memslotSize);
  entry.mappedAfterGuestPlug = mapped;
  event.decisions.push({
    what: 'requested-size', inputs: { requestedSize: value, memslotSize: entry.memslotSize, memslots: entry.memslots }, result: mapped,
    explanation: entry.dynamic
      ? `once the guest has plugged ${formatSize(value)} from the start of the device, ${mapped} memslot${mapped === 1 ? '' : 's'} of ${formatSize(entry.memslotSize ?? 0)} will be mapped`
      : 'without dynamic-memslots the single memslot stays mapped whatever the guest plugs',
  });
  return event;
}
