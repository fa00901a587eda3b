import type { Device, MemoryBackend, MemoryDevice } from '../model/machine';
import type { Property } from '../model/values';
import { parseBoolean } from '../model/sizes';
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
    const parsed = typeof property.value === 'boolean' ? { ok: true as const, value: property.value } : parseBoolean(String(property.value));
    if (parsed.ok) value = parsed.value;
  }
  return value;
}

function machineFlag(state: SimState, key: string): boolean {
  return flagOf(state.ctx.model.machine.properties, key);
}

/** A backend with a guaranteed shared zeropage: private, fd-less, base-page-size RAM. */
function hasSharedZeropage(backend: MemoryBackend): boolean {
  return backend.type.value === 'memory-backend-ram' && !backend.share.value && !backend.hugetlb?.value;
}

function resolveUnpluggedInaccessible(
  state: SimState, device: MemoryDevice, backend: MemoryBackend): { value: boolean; explanation: string } {
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

export function plugMemoryDevice(state: SimState, device: MemoryDevice, ref: ModelRef, phase: EventPhase): SimulationEvent {
  const { ctx } = state;
  const { version, layout } = ctx;
  const driver = device.driver.value;
  const id = deviceLabel(device.id?.value, driver, ref.index);
  const event = openEvent(state, phase, 'memory-device-plug', id, ref);
  const kind = device.memoryKind;

  if (kind === 'hv-balloon' && !state.modern) return refuse(event, 'unknown-device-model', messages.invalidDeviceModel(driver));
  if (kind === 'virtio-mem' && device.dynamicMemslots?.origin === 'written' && !state.modern) {
    return refuse(event, 'dynamic-memslots-unsupported', messages.propertyNotFound(driver, 'dynamic-memslots'));
  }
  if (phase === 'hotplug' && ctx.machineType.family === 'q35' && driver.endsWith('-pci') && onRootBus(device)) {
    return refuse(event, 'bus-not-hotpluggable', messages.busNotHotpluggable('pcie.0'));
  }
  const isDimm = kind === 'pc-dimm' || kind === 'nvdimm';
  let slot: number | null = null;
  if (isDimm) {
    if (kind === 'nvdimm' && !machineFlag(state, 'nvdimm')) {
      return refuse(event, 'nvdimm-not-enabled', messages.nvdimmNotEnabled);
    }
    const assigned = assignSlot(device.slot?.value, layout.slots, state.dimmSlots);
    const ok = 'slot' in assigned;
    event.decisions.push({
      what: 'dimm-slot-check', inputs: { slots: layout.slots, dimmsPlugged: state.dimmsPlugged, written: device.slot?.value ?? null },
      result: ok ? assigned.slot : false, passed: ok, explanation: assigned.explanation,
    });
    if (!ok) return refuse(event, assigned.reason, assigned.error);
    slot = assigned.slot;
  }
  // An hv-balloon without memdev is an "empty" memory device: no address, no memslots.
  if (kind === 'hv-balloon' && !device.memdev) {
    if (state.balloons > 0) return refuse(event, 'only-one-balloon', messages.onlyOneBalloon);
    state.balloons++;
    event.decisions.push({ what: 'memslots', inputs: {}, result: 0, explanation: 'hv-balloon without memdev is an empty memory device: no memslots' });
    return event;
  }
  if (!layout.hasDeviceMemory) {
    event.decisions.push({
      what: 'space-check', inputs: { ram: layout.ramSize, maxmem: layout.maxmem }, result: false, passed: false,
      explanation: 'the machine has no device memory: maxmem is not larger than the boot RAM',
    });
    return refuse(event, 'no-device-memory', atLeast(version, 8, 1) ? messages.noDeviceMemory : messages.noDeviceMemoryLegacy);
  }
  if (!device.memdev) return refuse(event, 'memdev-missing', messages.memdevMustBeSet);
  const backendId = device.memdev.value;
  const backend = state.backends.get(backendId);
  if (!backend) return refuse(event, 'memdev-not-found', messages.memdevNotFound(driver, backendId));
  const size = backend.size?.value ?? 0;
  const fdBacked = backendHasFd(backend, version);
  const dynamic = resolveDynamicMemslots(state, device);
  const decides = (kind === 'virtio-mem' && dynamic.dynamic) || kind === 'hv-balloon';
  const reserved = state.reserved();

  let memslots = 1;
  let memslotSize: number | null = kind === 'virtio-mem' ? size : null;
  let limitValue: number | null = null;
  const blockSize = kind === 'virtio-mem' ? device.blockSize?.value ?? defaultBlockSize(backend) : null;
  if (kind === 'virtio-mem') {
    event.decisions.push({
      what: 'dynamic-memslots', inputs: { source: dynamic.dynamicSource, flavour: ctx.profile.qemuFlavor.value }, result: dynamic.dynamic,
      explanation: `dynamic-memslots=${dynamic.dynamic ? 'on' : 'off'} (${describeDynamicSource(dynamic.dynamicSource, ctx.profile.qemuFlavor.origin)})`,
    });
  }
  if (decides) {
    const max = Math.min(state.kvmMax(), state.vhostMax());
    const free = Math.min(state.kvmFree(), state.vhostFree());
    const limit = decisionLimit({
      max, free, required: state.required, reserved, size,
      deviceMemorySpace: layout.deviceMemorySpace, usedRegionSize: state.usedRegionSize,
    });
    limitValue = limit.limit;
    event.decisions.push({
      what: 'decision-limit',
      inputs: {
        max: finite(max), free: finite(free), required: state.required, reserved, size,
        deviceMemorySpace: layout.deviceMemorySpace, usedRegionSize: state.usedRegionSize, budget: limit.budget, branch: limit.branch,
      },
      result: limit.limit,
      explanation: limit.explanation,
    });
    const split = kind === 'hv-balloon' ? hvBalloonMemslots(size, limit.limit) : virtioMemMemslots(size, limit.limit, blockSize ?? THP_SIZE, backendPageSize(backend));
    memslots = split.memslots;
    memslotSize = split.memslotSize;
    event.decisions.push({
      what: 'memslots', inputs: { size, limit: limit.limit, blockSize }, result: memslots, explanation: split.explanation,
    });
  } else {
    event.decisions.push({
      what: 'memslots', inputs: { size }, result: 1,
      explanation: kind === 'virtio-mem'
        ? `1 memslot: without dynamic-memslots the whole ${formatSize(size)} backend is mapped as one region at plug`
        : `1 memslot: a ${driver} maps its ${formatSize(size)} backend as one region`,
    });
  }

  const checksFailed = state.modern ? modernSlotChecks(state, event, memslots, reserved) : legacySlotChecks(state, event);
  if (checksFailed) return recordRefused(
    state, event, device, ref, id, kind, size, memslots, memslotSize, dynamic, limitValue, fdBacked, backend, blockSize);
  const total = layout.deviceMemorySpace;
  const fits = state.usedRegionSize + size <= total;
  event.decisions.push({
    what: 'space-check', inputs: { used: state.usedRegionSize, size, total }, result: fits, passed: fits,
    explanation: `${formatSize(state.usedRegionSize)} in use + ${formatSize(size)} ${fits ? '≤' : '>'} ${formatSize(total)} of memory-device space (maxmem − ram)`,
  });
  if (!fits) {
    refuse(event, 'device-memory-full', messages.notEnoughSpace(state.usedRegionSize, total));
    return recordRefused(
      state, event, device, ref, id, kind, size, memslots, memslotSize, dynamic, limitValue, fdBacked, backend, blockSize);
  }

  const placed = placeRegion(state, event, device, backend, size, blockSize);
  if ('error' in placed) {
    refuse(event, placed.reason, placed.error);
    return recordRefused(
      state, event, device, ref, id, kind, size, memslots, memslotSize, dynamic, limitValue, fdBacked, backend, blockSize);
  }

  // realize
  const inaccessible = kind === 'virtio-mem' ? resolveUnpluggedInaccessible(state, device, backend) : null;
  const realizeError = realizeErrors(state, event, device, backend, kind, dynamic.dynamic, blockSize, inaccessible);
  if (realizeError) {
    refuse(event, realizeError.reason, realizeError.message);
    return recordRefused(
      state, event, device, ref, id, kind, size, memslots, memslotSize, dynamic, limitValue, fdBacked, backend, blockSize);
  }

  // plug
  const autoDecided = decides && memslots > 1;
  const requested = kind === 'virtio-mem' ? device.requestedSize?.value ?? 0 : null;
  const mappedAtPlug = decides ? 0 : 1;
  const entry: MemoryDeviceState = {
    device, ref, id, driver, kind, size, memslots, memslotSize, mapped: 0,
    mappedAfterGuestPlug: guestMapped(kind, dynamic.dynamic, requested, memslots, memslotSize),
    requestedSize: requested, blockSize, dynamic: dynamic.dynamic, dynamicSource: dynamic.dynamicSource,
    decisionLimit: limitValue, autoDecided, userVisible: vhostUserCounts(fdBacked, backend.share.value, version) && !backendIsRom(backend),
    readOnly: backendIsRom(backend), fdBacked,
    unpluggedInaccessible: inaccessible?.value ?? true,
    backendId, status: 'plugged', addr: placed.addr, slot,
  };
  state.memoryDevices.push(entry);
  state.required += memslots;
  state.usedRegionSize += size;
  if (autoDecided) state.autoDecisions++;
  if (isDimm) state.dimmsPlugged++;
  if (slot !== null) state.dimmSlots.add(slot);
  if (placed.addr !== null) insertRegion(state.placed, { id, qemuId: device.id?.value ?? '(unnamed)', start: placed.addr, size });
  if (kind === 'hv-balloon') state.balloons++;
  state.busyBackends.add(backendId);
  state.setMapped(entry, mappedAtPlug);
  return event;
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

function modernSlotChecks(state: SimState, event: SimulationEvent, memslots: number, reserved: number): boolean {
  const need = memslots + reserved;
  if (state.ctx.kvm) {
    const free = state.kvmFree();
    const ok = free >= need;
    event.decisions.push({
      what: 'kvm-free-check', inputs: { free, required: memslots, reserved }, result: ok, passed: ok,
      explanation: `KVM has ${free} free memslots ${ok ? '≥' : '<'} ${memslots} required + ${reserved} reserved`,
    });
    if (!ok) {
      refuse(event, 'kvm-slots-exhausted', messages.kvmNotEnoughFree);
      return true;
    }
  }
  const vfree = state.vhostFree();
  if (Number.isFinite(vfree)) {
    const ok = vfree >= need;
    event.decisions.push({
      what: 'vhost-free-check', inputs: { free: vfree, required: memslots, reserved }, result: ok, passed: ok,
      explanation: `the fullest vhost back-end has ${vfree} free memslots ${ok ? '≥' : '<'} ${memslots} required + ${reserved} reserved`,
    });
    if (!ok) {
      refuse(event, 'vhost-slots-exhausted', messages.vhostNotEnoughFree);
      return true;
    }
  }
  return false;
}

function legacySlotChecks(state: SimState, event: SimulationEvent): boolean {
  if (state.ctx.kvm) {
    const free = state.ctx.profile.kvmMemslots.value - state.kvmUsed(0);
    const ok = free >= 1;
    event.decisions.push({ what: 'kvm-free-check', inputs: { free }, result: ok, passed: ok, explanation: `KVM address space 0 has ${free} free memslots (QEMU ≤ 8.1 needs one)` });
    if (!ok) {
      refuse(event, 'kvm-slots-exhausted', messages.kvmNoFreeLegacy);
      return true;
    }
  }
  for (const group of ['user', 'private'] as const) {
    const limit = state.groupLimit(group);
    if (!Number.isFinite(limit)) continue;
    const used = state.trackedUsed(group);
    const ok = limit > used;
    event.decisions.push({ what: 'vhost-free-check', inputs: { limit, used }, result: ok, passed: ok, explanation: `vhost ${group === 'user' ? 'user' : 'kernel'} limit ${limit} ${ok ? '>' : '≤'} ${used} used memslots` });
    if (!ok) {
      refuse(event, 'vhost-slots-exhausted', messages.vhostNoFreeLegacy);
      return true;
    }
  }
  return false;
}

interface RealizeError {
  reason: RefusalReason;
  message: string;
}

function realizeErrors(
  state: SimState, event: SimulationEvent, device: MemoryDevice, backend: MemoryBackend, kind: MemoryDeviceState['kind'], dynamic: boolean,
  blockSize: number | null, inaccessible: { value: boolean; explanation: string } | null,
): RealizeError | null {
  const backendId = device.memdev?.value ?? '';
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
  if (dynamic && !inaccessible.value) {
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
function placeRegion(
  state: SimState, event: SimulationEvent, device: MemoryDevice, backend: MemoryBackend, size: number, blockSize: number | null,
): { addr: number | null } | { error: string; reason: RefusalReason } {
  const window = state.ctx.space?.deviceMemory;
  if (!window) return { addr: null };
  const regionAlign = regionAlignment(backend);
  if (size % regionAlign !== 0) {
    event.decisions.push({
      what: 'device-address', inputs: { size, alignment: regionAlign, problem: 'size' }, result: false, passed: false,
      explanation: `the ${formatSize(size)} backend is not a multiple of its memory region's alignment 0x${regionAlign.toString(16)}`,
    });
    return { error: messages.sizeNotAligned(regionAlign), reason: 'memory-region-alignment' };
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
  return ok ? { addr: found.addr } : { error: found.error, reason: 'memory-address-unusable' };
}

function recordRefused(
  state: SimState, event: SimulationEvent, device: MemoryDevice, ref: ModelRef, id: string, kind: MemoryDeviceState['kind'], size: number,
  memslots: number, memslotSize: number | null, dynamic: Pick<MemoryDeviceState, 'dynamic' | 'dynamicSource'>, limit: number | null,
  fdBacked: boolean, backend: MemoryBackend, blockSize: number | null,
): SimulationEvent {
  state.memoryDevices.push({
    device, ref, id, driver: device.driver.value, kind, size, memslots, memslotSize, mapped: 0, mappedAfterGuestPlug: 0,
    requestedSize: device.requestedSize?.value ?? null, blockSize, dynamic: dynamic.dynamic, dynamicSource: dynamic.dynamicSource,
    decisionLimit: limit, autoDecided: false, userVisible: vhostUserCounts(fdBacked, backend.share.value, state.ctx.version)
      && !backendIsRom(backend),
    readOnly: backendIsRom(backend), fdBacked,
    unpluggedInaccessible: true, backendId: device.memdev?.value ?? null, status: 'refused', addr: null, slot: null,
  });
  return event;
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
