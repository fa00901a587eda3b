import type { Device, MachineModel, Netdev } from '../model/machine';
import { size as formatSize } from './format';
import { bootLayout, machineTypeInfo } from './layout';
import { KVM_BASELINE_UNCERTAINTY, MAX_RAM_SLOTS } from './constants';
import { messages } from './messages';
import { describeProfile, type HostProfile } from './profile';
import { openEvent, refuse, settleUsage } from './events';
import { deviceLabel, guestMapped, onRootBus, plugMemoryDevice } from './memory-devices';
import { runHotplug } from './hotplug';
import { initVhost } from './vhost';
import { realizeVfio, registerPluggedVirtioMem, runtimeVfioChecks } from './vfio';
import { devicePropertyRefusal, parseTimeRefusal } from './option-checks';
import { SimState, vhostGroup, type Context } from './state';
import { guestCpu } from './guest-cpu';
import { addressSpace } from './address-space';
import type { AddressSpaceResult, ConsumerResult, Decision, HotplugEvent, MemoryDeviceResult, ModelRef, Refusal, RefusalReason, Simulation, SimulationEvent } from './types';

/**
 * Replays QEMU's start-up (docs/facts/plug-order.md#qemu-start-up-order): `-m` checks, vhost netdevs (JSON, then -netdev, -nic, -net),
 * machine init, `-device`s (QemuOpts form in order, then JSON form in order), system reset; then
 * the caller's hot-plug plan (hotplug.ts), answered as QEMU answers each command at once.
 * Pure: the model and profile are only read.
 */
export function simulate(model: MachineModel, profile: HostProfile, hotplug: HotplugEvent[] = []): Simulation {
  const version = profile.qemuVersion.value;
  const machineType = machineTypeInfo(model);
  const layout = bootLayout(model, machineType, version);
  const kvm = usesKvm(model);
  const x86 = machineType.family === 'q35' || machineType.family === 'pc';
  const smmAddressSpace = kvm && x86 && profile.smm.value && model.machine.smm?.value !== 'off';
  const cpu = x86 ? guestCpu(model, kvm, profile) : null;
  const space = cpu ? addressSpace(model, machineType, cpu, layout.ramSize, layout.maxmem, layout.slots) : null;
  const ctx: Context = { model, profile, version, machineType, layout, kvm, smmAddressSpace, cpu, space };
  const state = new SimState(ctx);

  let failure: Failure | null = parseTimeRefusal(state) ?? machineChecks(state);
  settleUsage(state);
  if (!failure) failure = runNetdevs(state);
  if (!failure) {
    state.stage = 'realize';
    failure = runDevices(state);
  }
  if (!failure) {
    state.stage = 'reset';
    resetEvent(state);
    settleUsage(state);
    if (hotplug.length > 0) runHotplug(state, hotplug, (s, device, ref) => addDevice(s, device, ref, 'hotplug'));
  }
  return buildResult(state, failure);
}

function usesKvm(model: MachineModel): boolean {
  const first = model.accelerators[0]?.value ?? model.machine.accel?.value;
  if (first !== undefined) return first.split(':')[0] === 'kvm';
  // Without -accel QEMU tries tcg first, unless the binary's name ends in "kvm" (qemu-kvm).
  return /kvm$/.test(model.binary?.value ?? '');
}

interface Failure {
  event: SimulationEvent;
  option: string;
}

function machineChecks(state: SimState): Failure | null {
  const { layout, model, machineType, kvm } = state.ctx;
  const event = openEvent(state, 'machine', 'machine-init', null, null);
  event.decisions.push({
    what: 'accelerator', inputs: { accelerators: model.accelerators.map((a) => a.value).join(',') || null, binary: model.binary?.value ?? null },
    result: kvm ? 'kvm' : 'tcg',
    explanation: kvm ? 'KVM: its memslot limit applies' : 'TCG (no -accel kvm / -enable-kvm, and QEMU tries tcg first): no KVM memslot limit',
  });
  const fail = (reason: RefusalReason, error: string): Failure => ({ event: refuse(event, reason, error), option: '-m' });
  const { ramSize, maxmem, slots } = layout;
  const maxmemWritten = model.memory.maxmem !== undefined;
  if (maxmemWritten && maxmem < ramSize) return fail('maxmem-below-ram', messages.maxmemBelowSize(maxmem, ramSize));
  if (slots > 0 && !maxmemWritten) return fail('slots-without-maxmem', messages.slotsWithoutMaxmem);
  if (slots > 0 && maxmem === ramSize) return fail('maxmem-equals-ram', messages.slotsWithoutMaxmemSpace(maxmem, ramSize));
  if ((machineType.family === 'q35' || machineType.family === 'pc') && slots > MAX_RAM_SLOTS) return fail('too-many-dimm-slots', messages.unsupportedSlots(slots));
  const numa = numaTotalCheck(state);
  if (numa) {
    event.decisions.push(numa.decision);
    if (numa.error) return { event: refuse(event, 'numa-memory-mismatch', numa.error), option: '-numa' };
  }
  // x86_cpus_init() realises the CPUs before pc_memory_init() lays out memory.
  const cpu = state.ctx.cpu;
  if (cpu?.error) return { event: refuse(event, cpu.error.reason, cpu.error.message), option: '' };
  const physBits = physBitsCheck(state);
  if (physBits) {
    event.decisions.push(physBits.decision);
    if (physBits.error) return { event: refuse(event, 'phys-bits', physBits.error), option: '' };
  }
  if ((machineType.family === 'q35' || machineType.family === 'pc') && slots > MAX_RAM_SLOTS) return fail('too-many-dimm-slots', messages.unsupportedSlots(slots));
  event.decisions.push({
    what: 'boot-layout',
    inputs: { machineType: machineType.name, ram: ramSize, maxmem, slots, belowFourG: layout.belowFourG, aboveFourG: layout.aboveFourG },
    result: layout.afterReset.kvm, explanation: layout.explanation,
  });
  event.decisions.push({
    what: 'memory-options', inputs: { ram: ramSize, maxmem, slots }, result: layout.deviceMemorySpace,
    explanation: layout.hasDeviceMemory
      ? `memory-device space ${formatSize(layout.deviceMemorySpace)} = maxmem ${formatSize(maxmem)} − ram ${formatSize(ramSize)}, ${slots} DIMM slot(s)`
      : 'no device memory (maxmem not above ram): memory devices cannot be plugged',
  });
  return null;
}

/**
 * hw/core/numa.c numa_complete_configuration(): once there are NUMA nodes, their memory (`mem=`
 * or their memdev's size; a node without either has none) must add up to the boot RAM. x86 never
 * spreads the RAM over the nodes itself (checked on QEMU 10 with pc-i440fx-5.0 to q35).
 */
function numaTotalCheck(state: SimState): { decision: Decision; error: string | null } | null {
  const { model, machineType, layout } = state.ctx;
  if (model.numaNodes.length === 0 || (machineType.family !== 'q35' && machineType.family !== 'pc')) return null;
  let total = 0;
  for (const node of model.numaNodes) {
    if (node.mem) total += node.mem.value;
    else if (node.memdev) {
      const backend = state.backends.get(node.memdev.value);
      // A memdev that does not exist is refused on its own (MS905); nothing to add up then.
      if (backend === undefined) return null;
      total += backend.size?.value ?? 0;
    }
  }
  const ok = total === layout.ramSize;
  return {
    decision: {
      what: 'memory-options', inputs: { numaNodes: model.numaNodes.length, numaTotal: total, ram: layout.ramSize }, result: ok, passed: ok,
      explanation: `the ${model.numaNodes.length} NUMA node(s) hold ${formatSize(total)} ${ok ? '=' : '≠'} the boot RAM ${formatSize(layout.ramSize)}`,
    },
    error: ok ? null : messages.numaTotalNotRam(total, layout.ramSize),
  };
}

/** pc_memory_init(): the highest guest-physical address in use must fit the CPU's phys-bits. */
function physBitsCheck(state: SimState): { decision: Decision; error: string | null } | null {
  const { space, cpu } = state.ctx;
  if (!space || !cpu) return null;
  return {
    decision: {
      what: 'address-space',
      inputs: {
        cpu: cpu.model, vendor: cpu.vendor, physBits: cpu.physBits,
        aboveFourGStart: space.aboveFourGStart, amdRelocation: space.amdRelocation,
        deviceMemoryBase: space.deviceMemory?.base ?? null, deviceMemorySize: space.deviceMemory?.size ?? null,
        pciHole64Start: space.pciHole64?.start ?? null, pciHole64Size: space.pciHole64?.size ?? null, maxUsedAddress: space.maxUsedAddress,
      },
      result: space.fits,
      passed: space.fits,
      explanation: `${cpu.explanation}; ${space.explanation}`,
    },
    error: space.fits ? null : messages.physBitsTooLow(space.addressLimit, space.maxUsedAddress, space.physBits),
  };
}

function addressSpaceResult(ctx: SimState['ctx']): AddressSpaceResult | null {
  const { cpu, space } = ctx;
  if (!cpu || !space) return null;
  return {
    cpuModel: cpu.model, vendor: cpu.vendor, vendorAssumed: cpu.vendorAssumed, physBits: cpu.physBits, physBitsFrom: cpu.physBitsFrom,
    physBitsAssumed: cpu.physBitsAssumed, longMode: cpu.longMode,
    belowFourG: space.belowFourG, aboveFourG: space.aboveFourG, aboveFourGStart: space.aboveFourGStart, amdRelocation: space.amdRelocation,
    deviceMemoryBase: space.deviceMemory?.base ?? null, deviceMemorySize: space.deviceMemory?.size ?? null,
    pciHole64Start: space.pciHole64?.start ?? null, pciHole64Size: space.pciHole64?.size ?? null, maxUsedAddress: space.maxUsedAddress,
    addressLimit: space.addressLimit, requiredPhysBits: space.requiredPhysBits,
  };
}

const netdevRank: Record<string, number> = { netdev: 1, nic: 2, net: 3 };

/** QEMU creates JSON netdevs, then -netdev, -nic and -net, each family in command-line order. */
export function netdevPlugOrder(netdevs: Netdev[]): number[] {
  return stableBuckets(netdevs, (n) => (n.syntax === 'json' ? 0 : netdevRank[n.option] ?? 4), 5);
}

/** QemuOpts-form `-device`s are realised first, then JSON-form ones, each in command-line order. */
export function devicePlugOrder(devices: Device[]): number[] {
  return stableBuckets(devices, (d) => (d.syntax === 'json' ? 1 : 0), 2);
}

/** Indices grouped by rank, each group in list order (a linear stable sort on a small key). */
function stableBuckets<T>(items: T[], rank: (item: T) => number, ranks: number): number[] {
  const buckets: number[][] = Array.from({ length: ranks }, () => []);
  items.forEach((item, index) => buckets[rank(item)]?.push(index));
  return buckets.flat();
}

function refOf(collection: ModelRef['collection'], index: number, order: number, id: string | undefined): ModelRef {
  return { collection, index, order, id: id ?? null };
}

function runNetdevs(state: SimState): Failure | null {
  const netdevs = state.ctx.model.netdevs;
  for (const index of netdevPlugOrder(netdevs)) {
    const netdev = netdevs[index];
    if (!netdev?.vhost) continue;
    const id = deviceLabel(netdev.id?.value, netdev.type.value, index);
    const event = initVhost(state, {
      id, ref: refOf('netdevs', index, netdev.order, netdev.id?.value), kind: netdev.vhost, chardev: netdev.chardev?.value, netdev: true,
    }, 'netdevs');
    settleUsage(state);
    if (event.result !== 'ok') return { event, option: `-${netdev.option}` };
  }
  return null;
}

function runDevices(state: SimState): Failure | null {
  const devices = state.ctx.model.devices;
  for (const index of devicePlugOrder(devices)) {
    const device = devices[index];
    if (device === undefined) continue;
    const ref = refOf('devices', index, device.order, device.id?.value);
    const event = addDevice(state, device, ref, 'devices');
    settleUsage(state);
    if (event && event.result !== 'ok') return { event, option: '-device' };
  }
  return null;
}

function addDevice(state: SimState, device: Device, ref: ModelRef, phase: 'devices' | 'hotplug'): SimulationEvent | null {
  const unknownProperty = devicePropertyRefusal(state, device, ref, phase, deviceLabel(device.id?.value, device.driver.value, ref.index));
  if (unknownProperty) return unknownProperty;
  if (device.kind === 'memory-device') {
    const event = plugMemoryDevice(state, device, ref, phase);
    const entry = state.memoryDevices[state.memoryDevices.length - 1];
    if (event.result !== 'refused' && entry?.ref === ref) registerPluggedVirtioMem(state, entry, event, phase);
    return event;
  }
  if (device.kind === 'vfio-device') return realizeVfio(state, device, ref, phase);
  if (device.kind === 'vhost-device') {
    const id = deviceLabel(device.id?.value, device.driver.value, ref.index);
    if (phase === 'hotplug' && state.ctx.machineType.family === 'q35' && device.driver.value.endsWith('-pci') && onRootBus(device)) {
      return refuse(openEvent(state, phase, 'vhost-init', id, ref), 'bus-not-hotpluggable', messages.busNotHotpluggable('pcie.0'));
    }
    return initVhost(state, { id, ref, kind: device.backend, chardev: device.chardev?.value, netdev: false }, phase);
  }
  if (phase === 'hotplug') return openEvent(state, phase, 'device-add', device.id?.value ?? device.driver.value, ref);
  return null;
}

function resetEvent(state: SimState): void {
  const event = openEvent(state, 'reset', 'reset', null, null);
  const { layout } = state.ctx;
  event.decisions.push({
    what: 'after-reset', inputs: { kvmBefore: layout.atRealize.kvm, kvmAfter: layout.afterReset.kvm, vhostUserBefore: layout.atRealize.vhostUser, vhostUserAfter: layout.afterReset.vhostUser },
    result: layout.afterReset.kvm,
    explanation: `system reset re-lays out boot RAM: ${layout.atRealize.kvm} → ${layout.afterReset.kvm} KVM slots for boot memory and firmware`,
  });
  for (const vhost of state.vhosts) {
    if (!vhost.active || vhost.limit === null) continue;
    const used = state.vhostUsed(vhost.kind);
    if (used > vhost.limit) {
      event.result = 'warning';
      event.warnings.push(`${vhost.id}: ${used} memory regions after reset exceed the back-end limit ${vhost.limit} (${vhost.usedAtInit} at init); QEMU does not re-check, setting the memory table fails when the device starts`);
    }
  }
}

function buildResult(state: SimState, failure: Failure | null): Simulation {
  settleUsage(state);
  if (!failure) runtimeVfioChecks(state);
  const { ctx } = state;
  const reserved = state.reserved();
  const memoryDevices: MemoryDeviceResult[] = state.memoryDevices.map((d) => ({
    id: d.id, driver: d.driver, memslots: d.memslots, mapped: d.mapped, kind: d.kind, ref: d.ref, status: d.status, size: d.size,
    memslotSize: d.memslotSize, dynamicMemslots: d.dynamic, dynamicMemslotsSource: d.dynamicSource, decisionLimit: d.decisionLimit,
    autoDecided: d.autoDecided, requestedSize: d.requestedSize,
    mappedAfterGuestPlug: d.status === 'plugged' ? d.mappedAfterGuestPlug : 0, fdBacked: d.fdBacked, backend: d.backendId,
    addr: d.addr, slot: d.slot,
  }));
  let guestExtraAll = 0;
  let guestExtraUser = 0;
  for (const d of state.memoryDevices) {
    if (d.status !== 'plugged') continue;
    const extra = guestMapped(d.kind, d.dynamic, d.requestedSize, d.memslots, d.memslotSize) - d.mapped;
    guestExtraAll += extra;
    if (d.userVisible) guestExtraUser += extra;
  }
  const consumers: ConsumerResult[] = [];
  const headroom = (limit: number, used: number): number => Math.max(0, limit - used - reserved);
  if (ctx.kvm) {
    const limit = ctx.profile.kvmMemslots.value;
    const spaces: Array<0 | 1> = ctx.smmAddressSpace ? [0, 1] : [0];
    const atInit = ctx.layout.atRealize.kvm;
    for (const as of spaces) {
      const used = state.kvmUsed(as);
      consumers.push({
        id: as === 0 ? 'kvm' : 'kvm-smram', kind: 'kvm', limit, used, headroom: headroom(limit, used), ref: null, addressSpace: as,
        limitSource: { source: ctx.profile.kvmMemslots.source, origin: ctx.profile.kvmMemslots.origin }, limitKnown: true,
        usedAtInit: atInit + (as === 1 ? 1 : 0), usedAfterGuestPlug: used + guestExtraAll, reserved, uncertainty: KVM_BASELINE_UNCERTAINTY,
        overLimitAfterReset: used > limit,
      });
    }
  }
  for (const vhost of state.vhosts) {
    if (!vhost.active) continue;
    const used = state.vhostUsed(vhost.kind);
    const extra = vhostGroup(vhost.kind) === 'user' ? guestExtraUser : guestExtraAll;
    consumers.push({
      id: vhost.id, kind: vhost.kind, limit: vhost.limit, used, headroom: vhost.limit === null ? null : headroom(vhost.limit, used),
      ref: vhost.ref, limitSource: vhost.limitSource, limitKnown: vhost.limitKnown, usedAtInit: vhost.usedAtInit,
      usedAfterGuestPlug: used + extra, reserved,
      uncertainty: 0, overLimitAfterReset: vhost.limit !== null && state.stage === 'reset' && used > vhost.limit,
    });
  }
  const refusal = failure ? refusalOf(failure) : null;
  return {
    outcome: refusal ? 'refused' : 'starts',
    refusedBy: refusal?.by ?? null,
    error: refusal?.message ?? null,
    reason: refusal?.reason ?? null,
    memoryDevices,
    consumers,
    events: state.events,
    refusal,
    unknownBackends: state.unknownBackends,
    vhostActivity: state.vhosts.map((vhost) => ({ id: vhost.id, kind: vhost.kind, fromStep: vhost.fromStep, untilStep: vhost.untilStep })),
    hotplugErrors: state.events.flatMap((e) => (e.phase === 'hotplug' && e.reason !== null
      ? [{ step: e.step, id: e.id, reason: e.reason, error: e.error ?? '', hang: e.result === 'hang' }]
      : [])),
    vfioDma: state.vfioChecks,
    machine: {
      type: ctx.machineType.name, family: ctx.machineType.family, kvm: ctx.kvm, smmAddressSpace: ctx.smmAddressSpace,
      ramSize: ctx.layout.ramSize, maxmem: ctx.layout.maxmem, slots: ctx.layout.slots, deviceMemorySpace: ctx.layout.deviceMemorySpace,
      deviceMemoryUsed: state.usedRegionSize, requiredMemslots: state.required, usedMemslots: state.mappedAll, reservedMemslots: reserved,
      autoDecisionActive: state.autoDecisions > 0,
      addressSpace: addressSpaceResult(ctx),
    },
    profile: describeProfile(ctx.profile),
  };
}

function refusalOf(failure: Failure): Refusal {
  const { event, option } = failure;
  const reason = event.reason;
  // Every failure comes from refuse(), which sets both.
  if (reason === null || event.error === null) throw new Error(`step ${event.step} failed without a refusal`);
  return {
    reason, by: event.id, ref: event.ref, option: option || null, message: event.error,
    hint: reason === 'auto-decision-refuses-vhost' ? messages.autoDecisionRefusesVhostHint : null,
  };
}
