import { size as formatSize } from './format';
import { GiB, HV_BALLOON_GRANULARITY, SAFE_MAX_MEMSLOTS, SOFT_MEMSLOT_LIMIT, VIRTIO_MEM_MIN_MEMSLOT_SIZE } from './constants';

/**
 * The automatic memslot decision of QEMU 8.2+ (memory_device_memslot_decision_limit() and the
 * virtio-mem / hv-balloon hooks), as pure functions with their explanations. Infinity stands for
 * QEMU's UINT_MAX ("no vhost device" / "no KVM").
 */
export interface DecisionLimitInputs {
  /** min(KVM limit, every initialised vhost device's limit). */
  max: number;
  /** min(KVM free slots, vhost free slots). */
  free: number;
  required: number;
  reserved: number;
  /** Size of the device's memory region. */
  size: number;
  /** maxmem − ram. */
  deviceMemorySpace: number;
  /** Sum of region sizes of plugged memory devices. */
  usedRegionSize: number;
}

export type DecisionBranch = 'below-safe-max' | 'soft-limit-reached' | 'no-budget' | 'whole-space' | 'proportional';

export interface DecisionLimit {
  limit: number;
  branch: DecisionBranch;
  /** The budget before the proportional share: min(256 − required, free − reserved). */
  budget: number | null;
  explanation: string;
}

function count(n: number): string {
  return Number.isFinite(n) ? String(n) : 'unlimited';
}

export function decisionLimit(inputs: DecisionLimitInputs): DecisionLimit {
  const { max, free, required, reserved, size, deviceMemorySpace, usedRegionSize } = inputs;
  if (max < SAFE_MAX_MEMSLOTS) {
    return {
      limit: 1, branch: 'below-safe-max', budget: null,
      explanation: `limit 1: the smallest memslot limit in use is ${max}, below ${SAFE_MAX_MEMSLOTS} (QEMU's safe maximum), so auto-deciding devices get a single memslot`,
    };
  }
  if (required >= SOFT_MEMSLOT_LIMIT) {
    return {
      limit: 1, branch: 'soft-limit-reached', budget: null,
      explanation: `limit 1: memory devices already require ${required} memslots, at or above the soft limit of ${SOFT_MEMSLOT_LIMIT}`,
    };
  }
  const budgetText = `min(${SOFT_MEMSLOT_LIMIT} − ${required} required, ${count(free)} free − ${reserved} reserved)`;
  const budget = Math.min(SOFT_MEMSLOT_LIMIT - required, free - reserved);
  if (budget < 1 || free < reserved) {
    return {
      limit: 1, branch: 'no-budget', budget,
      explanation: `limit 1: no memslots left to distribute (${budgetText} < 1)`,
    };
  }
  if (size === deviceMemorySpace) {
    return {
      limit: budget, branch: 'whole-space', budget,
      explanation: `limit ${budget} = ${budgetText}: the device fills the whole memory-device space (${formatSize(size)} = maxmem − ram)`,
    };
  }
  const available = deviceMemorySpace - usedRegionSize;
  // QEMU computes (double)memslots * size / available_space and truncates.
  const share = available > 0 ? Math.floor((budget * size) / available) : 0;
  const limit = Math.max(share, 1);
  let explanation = `limit ${limit} = ${share < 1 ? 'max(1, ' : ''}floor(${budget} × ${formatSize(size)} / ${formatSize(available)})${share < 1 ? ')' : ''}`;
  if (budget !== SOFT_MEMSLOT_LIMIT) explanation += `, where ${budget} = ${budgetText}`;
  if (usedRegionSize > 0) explanation += `; ${formatSize(available)} = ${formatSize(deviceMemorySpace)} of memory-device space − ${formatSize(usedRegionSize)} already used`;
  return { limit, branch: 'proportional', budget, explanation };
}

export interface MemslotSplit {
  memslots: number;
  memslotSize: number;
  explanation: string;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** virtio_mem_decide_memslots(): memslot size and count for dynamic-memslots=on. */
export function virtioMemMemslots(size: number, limit: number, blockSize: number, pageSize: number): MemslotSplit {
  if (limit <= 1) {
    return { memslots: 1, memslotSize: size, explanation: `1 memslot of ${formatSize(size)} (limit ${limit})` };
  }
  if (blockSize < pageSize || size % blockSize !== 0) {
    return { memslots: 1, memslotSize: size, explanation: `1 memslot: the block size ${formatSize(blockSize)} does not fit the backend (realize fails anyway)` };
  }
  const minimum = Math.max(blockSize, VIRTIO_MEM_MIN_MEMSLOT_SIZE);
  const proportional = alignUp(Math.floor(size / limit), blockSize);
  const memslotSize = Math.max(proportional, minimum);
  const memslots = Math.ceil(size / memslotSize);
  const sizeText = memslotSize % GiB === 0 || memslotSize % (1024 * 1024) !== 0 ? formatSize(memslotSize) : `${formatSize(memslotSize)} (${memslotSize / (1024 * 1024)} MiB)`;
  return {
    memslots,
    memslotSize: memslots === 1 ? size : memslotSize,
    explanation:
      `${memslots} memslot${memslots === 1 ? '' : 's'} of ${sizeText} = ceil(${formatSize(size)} / max(align_up(${formatSize(size)} / ${limit}, ${formatSize(blockSize)}), ` +
      `max(${formatSize(blockSize)}, 1 GiB)))` + (proportional < minimum ? `; the ${formatSize(minimum)} minimum memslot size applies` : ''),
  };
}

/** hv-balloon: 128 MiB granularity, no 1 GiB minimum. */
export function hvBalloonMemslots(size: number, limit: number): MemslotSplit {
  const memslotSize = alignUp(Math.floor(size / Math.max(limit, 1)), HV_BALLOON_GRANULARITY);
  const memslots = Math.max(1, Math.ceil(size / memslotSize));
  return {
    memslots,
    memslotSize: memslots === 1 ? size : memslotSize,
    explanation: `${memslots} memslot${memslots === 1 ? '' : 's'} of ${formatSize(memslots === 1 ? size : memslotSize)} = ceil(${formatSize(size)} / align_up(${formatSize(size)} / ${limit}, 128 MiB))`,
  };
}
