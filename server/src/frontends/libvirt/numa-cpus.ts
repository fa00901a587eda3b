import type { Finding } from '../../model/findings';
import { Bitmap, parseBitmap } from './bitmap';
import type { MappingContext } from './context';
import type { Cell } from './memory';
import { firstChild, textContent, type XmlElement } from './xml';

/** A refusal that a larger `<vcpu>` answers, with the count that does. */
export interface VcpuRefusal {
  finding: Finding;
  vcpus: number;
}

/** Quoted bitmaps are cut so that a finding stays one short line. */
const quotedLimit = 32;
const quoted = (text: string): string => (text.length > quotedLimit ? `${text.slice(0, quotedLimit)}…` : text);

/**
 * libvirt's refusals for guest NUMA cells whose `cpus` do not fit `<vcpu>` (docs/facts/libvirt.md#numa-cells-and-vcpus).
 * A NUMA cell is what virtio-mem and DIMMs need, so users add one for memslots' sake and meet these.
 * Returns the refusals that raising `<vcpu>` answers.
 */
export function checkNumaCpus(ctx: MappingContext, cells: Cell[], numaElement: XmlElement | undefined): VcpuRefusal[] {
  const written = cells.filter((cell) => cell.cpus !== undefined);
  if (written.length === 0) return [];

  // libvirt reads the cells in document order and compares each with the ones read before it.
  const inOrder = [...written].sort((a, b) => a.index - b.index);
  const masks: { cell: Cell; mask: Bitmap }[] = [];
  let readable = true;
  for (const cell of inOrder) {
    const cpus = cell.cpus;
    if (!cpus) continue;
    const mask = parseBitmap(cpus.value);
    if (mask) masks.push({ cell, mask });
    else {
      ctx.libvirt(`invalid argument: Failed to parse bitmap '${quoted(cpus.value)}'`, cpus.range);
      readable = false;
    }
  }
  if (!readable) return [];

  const overlapping = firstOverlap(masks);
  if (overlapping) {
    const [later, earlier] = overlapping;
    const range = later.cpus?.range ?? later.element.startTagRange;
    ctx.libvirt(`unsupported configuration: NUMA cells ${later.id.value} and ${earlier.id.value} have overlapping vCPU ids`, range);
  }

  const vcpu = readVcpu(ctx);
  if (vcpu === undefined) return [];
  const total = masks.reduce((sum, { mask }) => sum + mask.count(), 0);
  let highest: { cell: Cell; id: number } | undefined;
  for (const { cell, mask } of masks) {
    const last = mask.last();
    if (!highest || last > highest.id) highest = { cell, id: last };
  }
  const needed = Math.max(total, (highest?.id ?? -1) + 1);
  // Cells that overlap need another fix than more vCPUs.
  const offer = (finding: Finding): VcpuRefusal[] => (overlapping ? [] : [{ finding, vcpus: needed }]);
  if (total > vcpu.count) {
    return offer(ctx.libvirt('internal error: Number of CPUs in <numa> exceeds the <vcpu> count', vcpu.range ?? numaElement?.startTagRange ?? ctx.headRange));
  }
  if (highest && highest.id >= vcpu.count) {
    const range = highest.cell.cpus?.range ?? highest.cell.element.startTagRange;
    return offer(ctx.libvirt('internal error: CPU IDs in <numa> exceed the <vcpu> count', range));
  }
  return [];
}

/**
 * The first cell (in document order) sharing a vCPU with a cell before it, and of those the one with
 * the lowest id, as libvirt names them. Each vCPU is owned once until the first overlap, so the
 * work stays bounded by the cells and the bitmap size.
 */
function firstOverlap(masks: { cell: Cell; mask: Bitmap }[]): [Cell, Cell] | undefined {
  const union = new Bitmap();
  const owner = new Map<number, Cell>();
  for (const { cell, mask } of masks) {
    const shared = mask.common(union);
    if (shared.length > 0) {
      let earlier: Cell | undefined;
      for (const bit of shared) {
        const candidate = owner.get(bit);
        if (candidate && (!earlier || candidate.id.value < earlier.id.value)) earlier = candidate;
      }
      if (earlier) return [cell, earlier];
    }
    for (const bit of mask.positions()) owner.set(bit, cell);
    union.or(mask);
  }
  return undefined;
}

/** `<vcpu>`'s maximum: 1 when the element is missing; undefined (with libvirt's refusal) when it is not a whole number. */
function readVcpu(ctx: MappingContext): { count: number; range?: XmlElement['range'] } | undefined {
  const element = firstChild(ctx.domain, 'vcpu');
  if (!element) return { count: 1 };
  // Still being typed: nothing to say yet.
  if (!element.closed) return undefined;
  const content = textContent(element);
  const raw = element.children.map((child) => (child.kind === 'text' || child.kind === 'cdata' ? child.text : '')).join('');
  if (!content || !/^\d+$/.test(raw)) {
    ctx.libvirt('XML error: maximum vcpus count must be an integer', content?.range ?? element.range);
    return undefined;
  }
  return { count: Number(raw), range: content.range };
}
