import type { MemoryLimits } from '../../model/edits';
import type { Finding } from '../../model/findings';
import type { Range } from '../../model/range';
import { MappingContext } from './context';
import type { MemoryPlan } from './memory';
import { isPowerOfTwo, maxMemoryKiB, roundUp } from './units';

/** A refusal that <maxMemory> with these limits answers: the front end offers to write them. */
export interface LimitsRefusal {
  finding: Finding;
  limits: MemoryLimits;
}

/**
 * libvirt's own refusals for memory configuration (docs/facts/libvirt.md#validation), with libvirt's wording and
 * error class as virsh prints it. libvirt stops at the first; we report every one we find. Returns the
 * refusals that enough maximum memory and slots would answer, with the limits that would.
 */
export function checkMemory(ctx: MappingContext, plan: MemoryPlan): LimitsRefusal[] {
  const unsupported = (message: string, range = ctx.headRange): Finding => ctx.libvirt(`unsupported configuration: ${message}`, range);
  const { cells, devices } = plan;

  checkHugepages(ctx, plan);

  if (!plan.totalKiB && cells.length === 0 && (plan.memoryElement === undefined || plan.memoryElement.closed)) {
    ctx.libvirt('XML error: Memory size must be specified via <memory> or in the <numa> configuration', plan.memoryElement?.range ?? ctx.headRange);
  }

  for (const cell of cells) {
    if (cell.sizeKiB && cell.alignedKiB > maxMemoryKiB) {
      unsupported(`memory size of NUMA node '${cell.index}' overflowed after alignment`, cell.sizeKiB.range);
    }
  }
  if (cells.length === 0 && plan.totalKiB && roundUp(plan.totalKiB.value, 1024) > maxMemoryKiB) {
    unsupported('initial memory size overflowed after alignment', plan.totalKiB.range);
  }
  if (plan.maxKiB && roundUp(plan.maxKiB.value, 1024) > maxMemoryKiB) unsupported('maximum memory size overflowed after alignment', plan.maxKiB.range);
  for (const [index, mem] of devices.entries()) {
    if (mem.sizeKiB && mem.alignedKiB > maxMemoryKiB) unsupported(`size of memory module '${index}' overflowed after alignment`, mem.sizeKiB.range);
  }

  const hotplug = (plan.maxKiB?.value ?? 0) > 0 || (plan.slots?.value ?? 0) > 0;
  if (plan.slots && plan.slots.value > 0 && !plan.maxKiB) {
    ctx.libvirt('XML error: maximum memory size must be specified when specifying number of memory slots', plan.slots.range);
  }
  // Post-parse checks run before alignment, on the sizes as written.
  const initialKiB = cells.length > 0 ? cells.reduce((s, c) => s + (c.sizeKiB?.value ?? 0), 0) : plan.totalKiB?.value;
  const devicesKiB = devices.reduce((s, d) => s + d.alignedKiB, 0);
  // One set of limits answers the refusals that <maxMemory> answers: maximum = initial + devices, a slot per DIMM.
  const slotted = devices.filter((d) => d.model === 'dimm' || d.model === 'nvdimm');
  const limitsRefusals: LimitsRefusal[] = [];
  const refuseLimits = (message: string, range: Range): void => {
    const finding = ctx.libvirt(message, range);
    // Without a NUMA cell the new maximum would only trade this refusal for the NUMA one.
    if (initialKiB === undefined || cells.length === 0) return;
    const neededKiB = initialKiB + devicesKiB;
    const limits: MemoryLimits = {};
    if (!plan.maxKiB || plan.maxKiB.value < neededKiB) limits.maxmem = neededKiB * 1024;
    if (slotted.length > (plan.slots?.value ?? 0)) limits.slots = slotted.length;
    limitsRefusals.push({ finding, limits });
  };
  // The actual size counts the memory devices (virtio-mem with its full size), on top of the cells:
  // libvirt 11.3 refuses a maximum below that here, before its hot-plug space check is reached.
  const actualKiB = cells.length > 0 && initialKiB !== undefined
    ? initialKiB + devices.reduce((s, d) => s + (d.sizeKiB?.value ?? 0), 0)
    : initialKiB;
  const maxBelowActual = plan.maxKiB !== undefined && plan.maxKiB.value > 0
    && actualKiB !== undefined && plan.maxKiB.value < actualKiB;
  if (maxBelowActual && plan.maxKiB) {
    refuseLimits('XML error: maximum memory size must be equal or greater than the actual memory size', plan.maxKiB.range);
  }
  if (cells.length === 0 && plan.totalKiB && devicesKiB > plan.totalKiB.value) {
    ctx.libvirt('XML error: Total size of memory devices exceeds the total memory size', plan.totalKiB.range);
  }

  if (hotplug && cells.length === 0 && !ctx.machine.arch.startsWith('ppc64')) {
    unsupported('At least one numa node has to be configured when enabling memory hotplug', plan.maxMemoryElement?.range);
  }
  if (devices.length > 0 && !plan.maxKiB) {
    refuseLimits(
      "unsupported configuration: cannot use/hotplug a memory device when domain 'maxMemory' is not defined",
      devices[0].element.startTagRange);
  }
  // libvirt gives each DIMM a slot while it reads the domain (qemuDomainAssignMemorySlots), so the
  // validation that counts them ("count of memory devices requiring memory slots ... exceeds slots
  // count") is never reached: libvirt 11.3 stops at the first DIMM left without a slot.
  const slots = plan.slots?.value ?? 0;
  if (hotplug && slotted.length > slots) {
    refuseLimits('internal error: failed to find an empty memory slot', slotted[Math.min(slots, slotted.length - 1)].element.startTagRange);
  }
  const overSpace = plan.maxKiB && initialKiB !== undefined && cells.length > 0 && devices.length > 0
    && devicesKiB > plan.maxKiB.value - initialKiB;
  if (overSpace && !maxBelowActual && plan.maxKiB) {
    refuseLimits('unsupported configuration: memory device total size exceeds hotplug space', plan.maxKiB.range);
  }

  const usedSlots = new Map<number, number>();
  for (const mem of devices) {
    const at = mem.element.startTagRange;
    if (mem.node && cells.length === 0) {
      ctx.libvirt("unsupported configuration: can't add memory backend as guest has no NUMA nodes configured", mem.node.range);
    } else if (mem.node && mem.node.value >= cells.length) {
      ctx.libvirt(`unsupported configuration: can't add memory backend for guest node '${mem.node.value}' as the guest has only '${cells.length}' NUMA nodes configured`, mem.node.range);
    }
    if (!mem.node && cells.length > 0 && (mem.model === 'dimm' || mem.model === 'nvdimm' || mem.model === 'virtio-mem')) {
      unsupported('target NUMA node needs to be specified for memory device', at);
    }
    if (mem.slot && mem.slot.origin === 'written') {
      if (plan.slots && mem.slot.value >= plan.slots.value) unsupported(`memory device slot '${mem.slot.value}' exceeds slots count '${plan.slots.value}'`, mem.slot.range);
      if (usedSlots.has(mem.slot.value)) unsupported(`memory device slot '${mem.slot.value}' is already being used by another memory device`, mem.slot.range);
      usedSlots.set(mem.slot.value, 1);
    }
    switch (mem.model) {
      case 'virtio-mem': {
        const size = mem.sizeKiB?.value ?? 0;
        const block = mem.block?.value ?? 0;
        const requested = mem.requested?.value ?? 0;
        if (mem.requested && requested > size) unsupported(`requested size must be smaller than or equal to @size (${size}KiB)`, mem.requested.range);
        if (!isPowerOfTwo(block)) unsupported('block size must be a power of two', mem.block?.range ?? at);
        else if (block < 2048) unsupported('block size too small, must be at least 2048KiB', mem.block?.range ?? at);
        else {
          if (requested % block !== 0) unsupported('requested size must be an integer multiple of block size', mem.requested?.range ?? at);
          if (mem.addressBase && mem.addressBase.value % (block * 1024) !== 0) unsupported('memory device address must be aligned to blocksize', mem.addressBase.range);
        }
        if (mem.dynamicMemslots) checkDynamicMemslots(ctx, mem.dynamicMemslotsAttr ?? mem.dynamicMemslots.range);
        break;
      }
      case 'virtio-pmem':
        if (!mem.path) unsupported("path is required for model 'virtio-pmem'", at);
        if (mem.discard?.value) unsupported("discard is not supported for model 'virtio-pmem'", mem.discard.range);
        if (mem.access?.value !== 'shared') unsupported('shared access mode required for virtio-pmem device', mem.access?.range ?? at);
        if (mem.node) unsupported('virtio-pmem does not support NUMA nodes', mem.node.range);
        break;
      case 'nvdimm':
        if (!mem.path) unsupported("path is required for model 'nvdimm'", at);
        if (mem.discard?.value) unsupported('discard is not supported for nvdimms', mem.discard.range);
        break;
      case 'sgx-epc':
        if (mem.addressBase) unsupported("memory device address is not supported for model 'sgx-epc'", mem.addressBase.range);
        break;
      default:
        break;
    }
  }
  return limitsRefusals;
}

/** 'yes' or 'no' needs libvirt 10.1.0 and QEMU 8.2.0 (virtio-mem-pci.dynamic-memslots). */
function checkDynamicMemslots(ctx: MappingContext, range: import('../../model/range').Range): void {
  const { libvirtVersion, qemuVersion } = ctx.options;
  const older = (version: string | undefined, minimum: [number, number]): boolean | undefined => {
    if (!version) return undefined;
    const match = /^(\d+)\.(\d+)/.exec(version);
    if (!match) return undefined;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    return major < minimum[0] || (major === minimum[0] && minor < minimum[1]);
  };
  const libvirtOld = older(libvirtVersion, [10, 1]);
  const qemuOld = older(qemuVersion, [8, 2]);
  if (libvirtOld) {
    ctx.libvirt(`dynamicMemslots needs libvirt 10.1.0 or later (this is ${libvirtVersion}); older libvirt does not know the attribute`, range);
  } else if (qemuOld) {
    ctx.libvirt('unsupported configuration: virtio-mem does not support dynamicMemslots', range, 'error', { requires: 'QEMU 8.2.0', qemuVersion });
  }
  // Unknown versions stay silent: the QEMU version of the host profile is checked by rule MS011,
  // and a note on every dynamicMemslots attribute would only be noise.
}

function checkHugepages(ctx: MappingContext, plan: MemoryPlan): void {
  const pages = plan.backing.hugepages;
  for (let i = 0; i < pages.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = pages[i];
      const b = pages[j];
      if (a.nodes && b.nodes && a.nodes.some((n) => b.nodes?.includes(n))) {
        ctx.libvirt(`XML error: nodeset attribute of hugepages of sizes ${a.kib} and ${b.kib} intersect`, a.range);
      } else if (!a.nodes && !b.nodes) {
        // libvirt's .err output for this one carries no error-class prefix.
        ctx.libvirt(`two master hugepages detected: ${a.kib} and ${b.kib}`, a.range);
      }
    }
    const page = pages[i];
    if (page.nodes) {
      const missing = page.nodes.find((n) => n >= plan.cells.length);
      if (missing !== undefined) ctx.libvirt(`XML error: hugepages: node ${missing} not found`, page.range);
    }
  }
  const allocation = plan.backing.immediate;
  if (pages.length > 0 && allocation && !allocation.value) {
    ctx.libvirt('unsupported configuration: hugepages are not allowed with memory allocation ondemand', allocation.range);
  }
  if (pages.length > 0 && plan.backing.source?.value === 'anonymous') {
    ctx.libvirt('unsupported configuration: hugepages are not allowed with anonymous memory source', plan.backing.source.range);
  }
}
