import type { MemoryBackend, MemoryBackendType, MemoryDevice, MemoryDeviceKind, NumaNode } from '../../model/machine';
import type { Range } from '../../model/range';
import type { Located } from '../../model/values';
import { fromAttribute, located, MappingContext, PropertyList, yesNo } from './context';
import { hugepageLabel, maxMemoryKiB, parseNodeset, roundUp } from './units';
import { attribute, childElements, descend, firstChild, textContent, type XmlElement } from './xml';

/** x86: initial memory and NUMA cells align to 1 MiB, memory modules to 2 MiB (qemuDomainAlignMemorySizes). */
const cellAlignKiB = 1024;
const moduleAlignKiB = 2048;
/** The host's base page; a hugepage of this size means "no hugepages". */
const systemPageKiB = 4;
/** What `<hugepages/>` without a size uses: the host's default hugepage size (2 MiB on x86). */
const defaultHugepageKiB = 2048;

type Access = 'shared' | 'private';
type SourceType = 'anonymous' | 'file' | 'memfd';

interface Hugepage {
  kib: number;
  /** Guest NUMA nodes it applies to; undefined: the default ("master") page. */
  nodes?: number[];
  range: Range;
}

export interface MemoryBacking {
  element?: XmlElement;
  hugepagesElement?: XmlElement;
  hugepages: Hugepage[];
  source?: Located<SourceType>;
  access?: Located<Access>;
  immediate?: Located<boolean>;
  threads?: Located<number>;
  discard?: Located<boolean>;
}

export interface Cell {
  element: XmlElement;
  index: number;
  id: Located<number>;
  cpus?: Located<string>;
  sizeKiB?: Located<number>;
  alignedKiB: number;
  memAccess?: Located<Access>;
  discard?: Located<boolean>;
}

export interface MemoryDeviceDef {
  element: XmlElement;
  model: 'dimm' | 'nvdimm' | 'virtio-pmem' | 'virtio-mem' | 'sgx-epc';
  modelRange: Range;
  alias: Located<string>;
  sizeKiB?: Located<number>;
  alignedKiB: number;
  node?: Located<number>;
  block?: Located<number>;
  requested?: Located<number>;
  addressBase?: Located<number>;
  dynamicMemslots?: Located<boolean>;
  dynamicMemslotsAttr?: Range;
  slot?: Located<number>;
  dimmBase?: Located<number>;
  access?: Located<Access>;
  discard?: Located<boolean>;
  path?: Located<string>;
  pagesize?: Located<number>;
  hostNodes?: number[];
  pmem: boolean;
  readonly: boolean;
  alignsize?: Located<number>;
  labelSize?: Located<number>;
}

export interface MemoryPlan {
  backing: MemoryBacking;
  cells: Cell[];
  devices: MemoryDeviceDef[];
  totalKiB?: Located<number>;
  maxKiB?: Located<number>;
  slots?: Located<number>;
  maxMemoryElement?: XmlElement;
  memoryElement?: XmlElement;
  numaElement?: XmlElement;
  /** Global `<numatune><memory>`: host nodes and QEMU policy, when emitted. */
  numatune?: { nodes?: number[]; policy?: string };
  memnodes: Map<number, { nodes?: number[]; policy?: string }>;
}

function accessValue(ctx: MappingContext, element: XmlElement | undefined, name: string): Located<Access> | undefined {
  const attr = attribute(element, name);
  if (!attr) return undefined;
  if (attr.value === 'shared' || attr.value === 'private') return located(attr.value, attr.valueRange, 'written');
  ctx.invalid(`${name} must be 'shared' or 'private', not '${attr.value}'`, attr.valueRange);
  return undefined;
}

function yesNoValue(ctx: MappingContext, element: XmlElement | undefined, name: string): Located<boolean> | undefined {
  const attr = attribute(element, name);
  if (!attr) return undefined;
  const value = yesNo(attr);
  if (value === undefined) {
    ctx.invalid(`${name} must be 'yes' or 'no', not '${attr.value}'`, attr.valueRange);
    return undefined;
  }
  return located(value, attr.valueRange, 'written');
}

const numatunePolicy: Record<string, string | undefined> = { strict: 'bind', preferred: 'preferred', interleave: 'interleave', restrictive: undefined };

function readNumatune(ctx: MappingContext, element: XmlElement | undefined): { nodes?: number[]; policy?: string } | undefined {
  if (!element) return undefined;
  const mode = attribute(element, 'mode')?.value ?? 'strict';
  const policy = numatunePolicy[mode];
  if (!policy) return undefined;
  const nodeset = attribute(element, 'nodeset');
  const nodes = nodeset ? parseNodeset(nodeset.value) : undefined;
  if (nodeset && !nodes) ctx.invalid(`'${nodeset.value}' is not a nodeset`, nodeset.valueRange);
  return nodes ? { nodes, policy } : undefined;
}

export function readMemoryPlan(ctx: MappingContext): MemoryPlan {
  const domain = ctx.domain;
  const backingElement = firstChild(domain, 'memoryBacking');
  const backing: MemoryBacking = { element: backingElement, hugepages: [] };
  const hugepagesElement = firstChild(backingElement, 'hugepages');
  if (hugepagesElement) {
    backing.hugepagesElement = hugepagesElement;
    const pages = childElements(hugepagesElement, 'page');
    if (pages.length === 0) backing.hugepages.push({ kib: defaultHugepageKiB, range: hugepagesElement.range });
    for (const page of pages) {
      const kib = ctx.attributeSizeKiB(page, 'size');
      if (!kib) continue;
      const nodesetAttr = attribute(page, 'nodeset');
      const nodes = nodesetAttr ? parseNodeset(nodesetAttr.value) : undefined;
      if (nodesetAttr && !nodes) ctx.invalid(`'${nodesetAttr.value}' is not a nodeset`, nodesetAttr.valueRange);
      backing.hugepages.push({ kib: kib.value, nodes, range: page.range });
    }
  }
  const source = attribute(firstChild(backingElement, 'source'), 'type');
  if (source) {
    if (source.value === 'anonymous' || source.value === 'file' || source.value === 'memfd') backing.source = located(source.value, source.valueRange, 'written');
    else ctx.invalid(`memory source type must be anonymous, file or memfd, not '${source.value}'`, source.valueRange);
  }
  backing.access = accessValue(ctx, firstChild(backingElement, 'access'), 'mode');
  const allocation = firstChild(backingElement, 'allocation');
  const allocationMode = attribute(allocation, 'mode');
  if (allocationMode) backing.immediate = located(allocationMode.value === 'immediate', allocationMode.valueRange, 'written');
  backing.threads = ctx.integerAttribute(allocation, 'threads');
  const discard = firstChild(backingElement, 'discard');
  if (discard) backing.discard = located(true, discard.range, 'written');

  const numaElement = descend(domain, 'cpu', 'numa');
  const cells: Cell[] = [];
  for (const [index, cellElement] of (numaElement ? childElements(numaElement, 'cell') : []).entries()) {
    const id = ctx.integerAttribute(cellElement, 'id') ?? located(index, cellElement.startTagRange, 'default');
    const cpusAttr = attribute(cellElement, 'cpus');
    const sizeKiB = ctx.attributeSizeKiB(cellElement, 'memory');
    cells.push({
      element: cellElement,
      index,
      id,
      cpus: cpusAttr ? fromAttribute(cpusAttr) : undefined,
      sizeKiB,
      alignedKiB: sizeKiB ? roundUp(sizeKiB.value, cellAlignKiB) : 0,
      memAccess: accessValue(ctx, cellElement, 'memAccess'),
      discard: yesNoValue(ctx, cellElement, 'discard'),
    });
  }
  cells.sort((a, b) => a.id.value - b.id.value);

  // Without guest NUMA a hugepage nodeset of exactly node 0 means "the whole guest" (libvirt's
  // post-parse drops it), which is what makes two such pages "two master hugepages".
  if (cells.length === 0) {
    for (const page of backing.hugepages) if (page.nodes && page.nodes.length === 1 && page.nodes[0] === 0) page.nodes = undefined;
  }

  const numatuneElement = firstChild(domain, 'numatune');
  const memnodes = new Map<number, { nodes?: number[]; policy?: string }>();
  for (const memnode of numatuneElement ? childElements(numatuneElement, 'memnode') : []) {
    const cellId = ctx.integerAttribute(memnode, 'cellid');
    const tune = readNumatune(ctx, memnode);
    if (cellId && tune) memnodes.set(cellId.value, tune);
  }

  const memoryElement = firstChild(domain, 'memory');
  const maxMemoryElement = firstChild(domain, 'maxMemory');
  const plan: MemoryPlan = {
    backing,
    cells,
    devices: readMemoryDevices(ctx),
    totalKiB: ctx.sizeKiB(memoryElement),
    maxKiB: ctx.sizeKiB(maxMemoryElement),
    slots: ctx.integerAttribute(maxMemoryElement, 'slots'),
    maxMemoryElement,
    memoryElement,
    numaElement,
    numatune: readNumatune(ctx, firstChild(numatuneElement, 'memory')),
    memnodes,
  };
  assignDimmSlots(plan);
  return plan;
}

const modelPrefix: Record<MemoryDeviceDef['model'], string> = {
  dimm: 'dimm', nvdimm: 'nvdimm', 'virtio-pmem': 'virtiopmem', 'virtio-mem': 'virtiomem', 'sgx-epc': 'epc',
};

function readMemoryDevices(ctx: MappingContext): MemoryDeviceDef[] {
  const devicesElement = firstChild(ctx.domain, 'devices');
  if (!devicesElement) return [];
  const result: MemoryDeviceDef[] = [];
  for (const element of childElements(devicesElement, 'memory')) {
    const modelAttr = attribute(element, 'model');
    if (!modelAttr) {
      if (element.closed) ctx.invalid("<memory> needs a model: dimm, nvdimm, virtio-pmem, virtio-mem or sgx-epc", element.startTagRange);
      continue;
    }
    const model = modelAttr.value;
    if (model !== 'dimm' && model !== 'nvdimm' && model !== 'virtio-pmem' && model !== 'virtio-mem' && model !== 'sgx-epc') {
      ctx.invalid(`unknown memory device model '${model}'`, modelAttr.valueRange);
      continue;
    }
    const target = firstChild(element, 'target');
    const source = firstChild(element, 'source');
    const address = firstChild(element, 'address');
    const sizeKiB = ctx.sizeKiB(firstChild(target, 'size'));
    const dynamic = attribute(target, 'dynamicMemslots');
    const nodemask = textContent(firstChild(source, 'nodemask') ?? element);
    const pathElement = firstChild(source, 'path');
    const pathText = pathElement ? textContent(pathElement) : undefined;
    const userAlias = attribute(firstChild(element, 'alias'), 'name');
    const def: MemoryDeviceDef = {
      element,
      model,
      modelRange: modelAttr.valueRange,
      // Filled in by assignAliases once slots are known.
      alias: userAlias && userAlias.value.startsWith('ua-') ? fromAttribute(userAlias) : located('', element.startTagRange, 'derived'),
      sizeKiB,
      alignedKiB: sizeKiB ? (model === 'sgx-epc' ? sizeKiB.value : roundUp(sizeKiB.value, moduleAlignKiB)) : 0,
      node: ctx.integerText(firstChild(target, 'node')),
      block: ctx.sizeKiB(firstChild(target, 'block')),
      requested: ctx.sizeKiB(firstChild(target, 'requested')),
      addressBase: ctx.integerAttribute(firstChild(target, 'address'), 'base'),
      dynamicMemslots: dynamic ? yesNoValue(ctx, target, 'dynamicMemslots') : undefined,
      dynamicMemslotsAttr: dynamic?.range,
      slot: attribute(address, 'type')?.value === 'dimm' ? ctx.integerAttribute(address, 'slot') : undefined,
      dimmBase: attribute(address, 'type')?.value === 'dimm' ? ctx.integerAttribute(address, 'base') : undefined,
      access: accessValue(ctx, element, 'access'),
      discard: yesNoValue(ctx, element, 'discard'),
      path: pathText ? located(pathText.text, pathText.range, 'written') : undefined,
      pagesize: ctx.sizeKiB(firstChild(source, 'pagesize')),
      hostNodes: nodemask && firstChild(source, 'nodemask') ? parseNodeset(nodemask.text) : undefined,
      pmem: firstChild(source, 'pmem') !== undefined,
      readonly: firstChild(target, 'readonly') !== undefined,
      alignsize: ctx.sizeKiB(firstChild(source, 'alignsize')),
      labelSize: ctx.sizeKiB(descend(target, 'label', 'size')),
    };
    result.push(def);
  }
  return result;
}

/** dimm/nvdimm take the lowest free slot in XML order; their alias index is the slot number. */
function assignDimmSlots(plan: MemoryPlan): void {
  const used = new Set<number>();
  for (const mem of plan.devices) if (mem.slot && (mem.model === 'dimm' || mem.model === 'nvdimm')) used.add(mem.slot.value);
  const counters = new Map<string, number>();
  // Slots are only ever added, so the lowest free one never moves down: searching on from the
  // last one keeps this linear in the number of DIMMs.
  let slot = 0;
  for (const mem of plan.devices) {
    if (mem.model === 'dimm' || mem.model === 'nvdimm') {
      if (!mem.slot) {
        while (used.has(slot)) slot++;
        used.add(slot);
        mem.slot = located(slot, mem.element.startTagRange, 'derived');
      }
      if (mem.alias.value === '') mem.alias = located(`${modelPrefix[mem.model]}${mem.slot.value}`, mem.element.startTagRange, 'derived');
    } else if (mem.alias.value === '') {
      const prefix = modelPrefix[mem.model];
      const index = counters.get(prefix) ?? 0;
      counters.set(prefix, index + 1);
      mem.alias = located(`${prefix}${index}`, mem.element.startTagRange, 'derived');
    }
  }
}

/** libvirt's short domain name as in its paths; -1 is the id of a domain that is not running. */
export function shortName(ctx: MappingContext): string {
  const name = textContent(firstChild(ctx.domain, 'name') ?? ctx.domain)?.text ?? '';
  return `-1-${name.slice(0, 20)}`;
}

interface BackendRequest {
  id: Located<string>;
  /** What the mem-path ends in under memory_backing_dir (the alias for devices). */
  fileName: string;
  range: Range;
  size: Located<number>;
  model?: MemoryDeviceDef['model'];
  node?: number;
  isDefaultRam?: boolean;
  device?: MemoryDeviceDef;
  cell?: Cell;
  tune?: { nodes?: number[]; policy?: string };
}

function hugepageFor(plan: MemoryPlan, node: number | undefined): Hugepage | undefined {
  let master: Hugepage | undefined;
  for (const page of plan.backing.hugepages) {
    if (!page.nodes) master ??= page;
    else if (node !== undefined && page.nodes.includes(node)) return page;
  }
  return master;
}

/** libvirt's backend choice (qemuBuildMemoryBackendProps), see docs/facts/libvirt.md#backend-choice. */
function buildBackend(ctx: MappingContext, plan: MemoryPlan, request: BackendRequest): { backend: MemoryBackend; prealloc: boolean } {
  const { backing } = plan;
  const device = request.device;
  const model = request.model;
  const props = new PropertyList(request.range);

  let pageKiB: number | undefined;
  let pageRange: Range | undefined;
  if (device?.pagesize) {
    pageKiB = device.pagesize.value;
    pageRange = device.pagesize.range;
  } else if (model !== 'nvdimm' && model !== 'virtio-pmem' && model !== 'sgx-epc') {
    const page = hugepageFor(plan, request.node);
    if (page) {
      pageKiB = page.kib;
      pageRange = page.range;
    }
  }
  if (pageKiB === systemPageKiB) pageKiB = undefined;

  const cellAccess = request.node !== undefined ? plan.cells.find((c) => c.id.value === request.node)?.memAccess : undefined;
  const access = device?.access ?? request.cell?.memAccess ?? (device ? cellAccess : undefined) ?? backing.access;
  const cellDiscard = request.node !== undefined ? plan.cells.find((c) => c.id.value === request.node)?.discard : undefined;
  const discard = device?.discard ?? request.cell?.discard ?? (device ? cellDiscard : undefined) ?? backing.discard;

  let type: Located<MemoryBackendType>;
  const isFileDevice = model === 'nvdimm' || model === 'virtio-pmem';
  if (model === 'sgx-epc') type = located('memory-backend-epc', request.range, 'derived');
  else if (backing.source?.value === 'memfd' && !isFileDevice) type = located('memory-backend-memfd', backing.source.range, 'derived');
  else if (pageKiB !== undefined || isFileDevice || access !== undefined || backing.source?.value === 'file') {
    type = located('memory-backend-file', pageRange ?? (isFileDevice ? request.range : access?.range ?? backing.source?.range ?? request.range), 'derived');
  } else type = located('memory-backend-ram', request.range, 'default');

  let prealloc = pageKiB !== undefined || backing.immediate?.value === true;
  if (model === 'nvdimm') prealloc = !device?.pmem;
  if (model === 'virtio-pmem') prealloc = false;
  if (model === 'sgx-epc') prealloc = true;
  // virtio-mem preallocates through the device (QEMU >= 7.1), never through its backend.
  const backendPrealloc = model === 'virtio-mem' ? false : prealloc;

  const share: Located<boolean> = access && type.value !== 'memory-backend-ram' && type.value !== 'memory-backend-epc'
    ? located(access.value === 'shared', access.range, 'derived')
    : located(type.value === 'memory-backend-memfd', request.range, 'default');

  props.add('qom-type', type.value).add('id', request.id.value, request.id.range);
  let memPath: Located<string> | undefined;
  if (type.value === 'memory-backend-memfd' && pageKiB !== undefined) {
    props.add('hugetlb', true, pageRange).add('hugetlbsize', pageKiB * 1024, pageRange);
  }
  if (type.value === 'memory-backend-file') {
    let path: string;
    if (isFileDevice && device?.path) {
      memPath = device.path;
    } else {
      path = pageKiB !== undefined
        ? `/dev/hugepages${hugepageLabel(pageKiB)}/libvirt/qemu/${shortName(ctx)}`
        : `/var/lib/libvirt/qemu/ram/${shortName(ctx)}/${request.fileName}`;
      memPath = located(path, pageRange ?? request.range, 'derived');
    }
    props.add('mem-path', memPath.value, memPath.range);
    if (discard && model !== 'nvdimm') props.add('discard-data', discard.value, discard.range);
  }
  if (access && (type.value === 'memory-backend-file' || type.value === 'memory-backend-memfd')) props.add('share', access.value === 'shared', access.range);
  if (request.isDefaultRam && type.value !== 'memory-backend-ram') props.add('x-use-canonical-path-for-ramblock-id', false);
  if (model === 'virtio-mem') props.add('reserve', false);
  if (backendPrealloc) props.add('prealloc', true, pageRange ?? backing.immediate?.range);
  if (backendPrealloc && backing.threads) props.add('prealloc-threads', backing.threads.value, backing.threads.range);
  props.add('size', request.size.value, request.size.range);
  if (model === 'nvdimm' && device?.alignsize) props.add('align', device.alignsize.value * 1024, device.alignsize.range);
  if (model === 'nvdimm' && device?.pmem) props.add('pmem', true);
  const hostNodes = device?.hostNodes ?? request.tune?.nodes;
  if (hostNodes) props.add('host-nodes', hostNodes).add('policy', device?.hostNodes ? 'bind' : request.tune?.policy ?? 'bind');

  const backend: MemoryBackend = {
    kind: 'memory-backend',
    range: request.range,
    order: ctx.order(),
    syntax: 'json',
    id: request.id,
    properties: props.items,
    type,
    size: request.size,
    share,
    memPath,
  };
  if (type.value === 'memory-backend-memfd' && pageKiB !== undefined) {
    backend.hugetlb = located(true, pageRange ?? request.range, 'derived');
    backend.hugetlbSize = located(pageKiB * 1024, pageRange ?? request.range, 'derived');
  }
  if (backendPrealloc) backend.prealloc = located(true, pageRange ?? backing.immediate?.range ?? request.range, 'derived');
  if (model === 'virtio-mem') backend.reserve = located(false, request.range, 'derived');
  return { backend, prealloc };
}

/** Machine types before 5.1 still accept `-numa node,mem=`; libvirt then skips backends it does not need. */
function acceptsLegacyNumaMem(machineType: string | undefined): boolean {
  const match = /^pc-(?:i440fx|q35)-(\d+)\.(\d+)$/.exec(machineType ?? '');
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major < 5 || (major === 5 && minor < 1);
}

/** The machine's default RAM id (query-machines default-ram-id). */
export function defaultRamId(machineType: string | undefined, arch: string): string | undefined {
  const type = machineType ?? '';
  if (arch === 'x86_64' || arch === 'i686') return 'pc.ram';
  if (arch === 'aarch64' || arch === 'armv7l') return type.startsWith('virt') || type === '' ? 'mach-virt.ram' : undefined;
  if (arch === 'ppc64' || arch === 'ppc64le') return type.startsWith('pseries') || type === '' ? 'ppc_spapr.ram' : undefined;
  if (arch === 's390x') return 's390.ram';
  if (arch === 'riscv64') return 'riscv_virt_board.ram';
  return undefined;
}

/** Fills memory, backends, NUMA nodes and memory devices in libvirt's emission order (phases 6, 8, 11). */
export function mapMemory(ctx: MappingContext, plan: MemoryPlan): void {
  const m = ctx.machine;
  const machineType = m.machine.type?.value;

  // -m: with guest NUMA the sum of the cells; otherwise <memory> minus the memory devices.
  const devicesKiB = plan.devices.reduce((sum, d) => sum + d.alignedKiB, 0);
  let initialKiB: number | undefined;
  let initialRange: Range = plan.memoryElement?.range ?? ctx.headRange;
  let initialOrigin: 'written' | 'derived' = 'written';
  if (plan.cells.length > 0) {
    initialKiB = plan.cells.reduce((sum, c) => sum + c.alignedKiB, 0);
    initialRange = plan.numaElement?.range ?? initialRange;
    initialOrigin = 'derived';
  } else if (plan.totalKiB) {
    const raw = plan.totalKiB.value - devicesKiB;
    initialKiB = roundUp(Math.max(raw, 0), cellAlignKiB);
    initialRange = plan.totalKiB.range;
    if (initialKiB !== plan.totalKiB.value) initialOrigin = 'derived';
  }
  if (initialKiB !== undefined && initialKiB <= maxMemoryKiB) {
    m.memory.size = located(initialKiB * 1024, initialRange, initialOrigin);
  }
  if (plan.memoryElement) m.memory.ranges.push(plan.memoryElement.range);
  if (plan.maxMemoryElement) m.memory.ranges.push(plan.maxMemoryElement.range);
  const hotplug = (plan.maxKiB?.value ?? 0) > 0 || (plan.slots?.value ?? 0) > 0;
  if (hotplug) {
    if (plan.slots && plan.slots.value > 0) m.memory.slots = plan.slots;
    if (plan.maxKiB && plan.maxKiB.value > 0) {
      const aligned = roundUp(plan.maxKiB.value, cellAlignKiB);
      if (aligned <= maxMemoryKiB) m.memory.maxmem = located(aligned * 1024, plan.maxKiB.range, aligned === plan.maxKiB.value ? 'written' : 'derived');
    }
  }

  const ramId = defaultRamId(machineType, m.arch);
  if (plan.cells.length === 0) {
    if (ramId && initialKiB !== undefined && initialKiB <= maxMemoryKiB) {
      const range = plan.memoryElement?.range ?? ctx.headRange;
      m.machine.memoryBackend = located(ramId, range, 'derived');
      const { backend } = buildBackend(ctx, plan, {
        id: located(ramId, range, 'derived'),
        fileName: ramId,
        range,
        size: located(initialKiB * 1024, initialRange, initialOrigin),
        isDefaultRam: true,
        tune: plan.numatune,
      });
      m.backends.push(backend);
    } else if (plan.backing.immediate?.value || plan.backing.hugepages.length > 0) {
      m.memPrealloc = located(true, plan.backing.element?.range ?? ctx.headRange, 'derived');
    }
    return;
  }

  mapNuma(ctx, plan, machineType);
  mapMemoryDevices(ctx, plan);
}

function mapNuma(ctx: MappingContext, plan: MemoryPlan, machineType: string | undefined): void {
  const m = ctx.machine;
  const legacy = acceptsLegacyNumaMem(machineType)
    && plan.devices.length === 0
    && plan.backing.hugepages.length === 0
    && plan.backing.access === undefined
    && (plan.backing.source?.value ?? 'anonymous') === 'anonymous'
    && plan.cells.every((c) => c.memAccess === undefined && !plan.memnodes.has(c.id.value))
    && !plan.numatune;
  for (const cell of plan.cells) {
    const nodeId = cell.id.value;
    const properties = new PropertyList(cell.element.startTagRange);
    properties.add('nodeid', nodeId, cell.id.range);
    if (cell.cpus) properties.add('cpus', cell.cpus.value, cell.cpus.range);
    if (cell.alignedKiB > maxMemoryKiB) continue;
    const size = located(cell.alignedKiB * 1024, cell.sizeKiB?.range ?? cell.element.startTagRange, cell.sizeKiB && cell.sizeKiB.value === cell.alignedKiB ? 'written' : 'derived');
    const node: NumaNode = { range: cell.element.range, order: 0, nodeId: cell.id, properties: properties.items };
    if (legacy) {
      node.mem = size;
      properties.add('mem', cell.alignedKiB / 1024, size.range);
    } else {
      const id = `ram-node${nodeId}`;
      const { backend } = buildBackend(ctx, plan, {
        id: located(id, cell.element.startTagRange, 'derived'),
        fileName: id,
        range: cell.element.range,
        size,
        node: nodeId,
        cell,
        tune: plan.memnodes.get(nodeId) ?? plan.numatune,
      });
      m.backends.push(backend);
      node.memdev = located(id, cell.element.startTagRange, 'derived');
      properties.add('memdev', id);
    }
    node.order = ctx.order();
    m.numaNodes.push(node);
  }
  if (legacy && plan.backing.immediate?.value) m.memPrealloc = located(true, plan.backing.immediate.range, 'derived');
}

const deviceDriver: Record<Exclude<MemoryDeviceDef['model'], 'sgx-epc'>, { driver: string; kind: MemoryDeviceKind }> = {
  dimm: { driver: 'pc-dimm', kind: 'pc-dimm' },
  nvdimm: { driver: 'nvdimm', kind: 'nvdimm' },
  'virtio-pmem': { driver: 'virtio-pmem-pci', kind: 'virtio-pmem' },
  'virtio-mem': { driver: 'virtio-mem-pci', kind: 'virtio-mem' },
};

function mapMemoryDevices(ctx: MappingContext, plan: MemoryPlan): void {
  const m = ctx.machine;
  let epcIndex = 0;
  for (const mem of plan.devices) {
    if (!mem.sizeKiB || mem.alignedKiB > maxMemoryKiB) continue;
    const backendId = `mem${mem.alias.value}`;
    const size = located(mem.alignedKiB * 1024, mem.sizeKiB.range, mem.alignedKiB === mem.sizeKiB.value ? 'written' : 'derived');
    const node = mem.model === 'virtio-pmem' ? undefined : mem.node?.value;
    const { backend, prealloc } = buildBackend(ctx, plan, {
      id: located(backendId, mem.alias.range, 'derived'),
      fileName: mem.alias.value,
      range: mem.element.range,
      size,
      model: mem.model,
      node,
      device: mem,
      tune: mem.hostNodes ? undefined : plan.numatune,
    });
    m.backends.push(backend);
    if (mem.model === 'sgx-epc') {
      const range = mem.element.range;
      m.machine.properties.push(
        { key: `sgx-epc.${epcIndex}.memdev`, keyRange: range, value: backendId, valueRange: range },
        { key: `sgx-epc.${epcIndex}.node`, keyRange: range, value: mem.node?.value ?? 0, valueRange: mem.node?.range ?? range },
      );
      epcIndex++;
      continue;
    }
    const { driver, kind } = deviceDriver[mem.model];
    const props = new PropertyList(mem.element.range);
    props.add('driver', driver, mem.modelRange);
    if (mem.node && mem.model !== 'virtio-pmem') props.add('node', mem.node.value, mem.node.range);
    if (mem.model === 'nvdimm' && mem.labelSize) props.add('label-size', mem.labelSize.value * 1024, mem.labelSize.range);
    if (mem.model === 'nvdimm' && mem.readonly) props.add('unarmed', true);
    const device: MemoryDevice = {
      kind: 'memory-device',
      range: mem.element.range,
      order: 0,
      syntax: 'json',
      id: mem.alias,
      properties: props.items,
      driver: located(driver, mem.modelRange, 'derived'),
      memoryKind: kind,
      memdev: located(backendId, mem.alias.range, 'derived'),
    };
    if (mem.node && mem.model !== 'virtio-pmem') device.node = mem.node;
    if (mem.model === 'virtio-mem') {
      if (mem.block) {
        device.blockSize = located(mem.block.value * 1024, mem.block.range, 'written');
        props.add('block-size', device.blockSize.value, mem.block.range);
      }
      if (mem.requested) {
        device.requestedSize = located(mem.requested.value * 1024, mem.requested.range, 'written');
        props.add('requested-size', device.requestedSize.value, mem.requested.range);
      }
    }
    props.add('memdev', backendId);
    if (mem.model === 'virtio-mem' && prealloc) {
      device.prealloc = located(true, backend.memPath?.range ?? mem.element.range, 'derived');
      props.add('prealloc', true);
    }
    if ((mem.model === 'virtio-mem' || mem.model === 'virtio-pmem') && mem.addressBase) {
      device.memaddr = mem.addressBase;
      props.add('memaddr', mem.addressBase.value, mem.addressBase.range);
    }
    if (mem.model === 'virtio-mem' && mem.dynamicMemslots) {
      device.dynamicMemslots = mem.dynamicMemslots;
      props.add('dynamic-memslots', mem.dynamicMemslots.value, mem.dynamicMemslots.range);
    }
    props.add('id', mem.alias.value, mem.alias.range);
    if ((mem.model === 'dimm' || mem.model === 'nvdimm') && mem.slot) {
      device.slot = mem.slot;
      props.add('slot', mem.slot.value, mem.slot.range);
      if (mem.dimmBase) {
        device.memaddr = mem.dimmBase;
        props.add('addr', mem.dimmBase.value, mem.dimmBase.range);
      }
    }
    device.order = ctx.order();
    m.devices.push(device);
  }
  if (plan.devices.some((d) => d.model === 'nvdimm')) {
    const first = plan.devices.find((d) => d.model === 'nvdimm');
    if (first) m.machine.properties.push({ key: 'nvdimm', keyRange: first.element.startTagRange, value: 'on', valueRange: first.element.startTagRange });
  }
}

