import type { MachineAnalysis } from '../analysis';
import { formatSize } from '../model/sizes';
import { comparePositions, type Range } from '../model/range';
import type { Capacity } from '../simulator';
import type { InlayHintData } from './inlay-hints';

/** "5 × 1 GiB DIMMs before fs0 (8 slots) refuses": the DIMM capacity in one phrase. */
export function describeDimmCapacity(capacity: Capacity): string {
  const { dimms } = capacity;
  const stop = dimms.stoppedBy;
  if (!stop) return 'no DIMM: the machine has no device memory (maxmem)';
  if (stop.by === 'hang') return 'no DIMM: QEMU never answers an earlier step of the plan';
  if (stop.by === 'dimm-slots' && stop.limit === 0) return 'no DIMM: -m has no slots=';
  const what = `${dimms.count} × ${formatSize(dimms.size)} DIMM${dimms.count === 1 ? '' : 's'}`;
  const by = stop.by === 'dimm-slots' ? `the ${stop.limit} DIMM slots run out`
    : stop.by === 'device-memory' ? 'maxmem runs out'
      : `${stop.by}${stop.limit === null ? '' : ` (${stop.limit} slots)`} refuses`;
  return `${what} before ${by}`;
}

export function describeCapacity(capacity: Capacity): string[] {
  const lines = [`capacity: ${describeDimmCapacity(capacity)}`];
  for (const device of capacity.virtioMem) {
    lines.push(`capacity: ${device.id} requested-size can grow by ${formatSize(device.more)} (to its ${formatSize(device.size)} backend)`);
  }
  return lines;
}

/** One hint per machine that starts, at the end of its QEMU binary or `<domain>` tag line: what still fits. */
export function capacityHints(machines: Array<MachineAnalysis & { capacity?: Capacity }>, range: Range): InlayHintData[] {
  const hints: InlayHintData[] = [];
  for (const machine of machines) {
    if (!machine.capacity) continue;
    const position = machine.model.headRange.end;
    if (comparePositions(range.start, position) > 0 || comparePositions(position, range.end) > 0) continue;
    hints.push({
      position,
      label: `hot-plug: ${describeDimmCapacity(machine.capacity)}`,
      tooltip: [...describeCapacity(machine.capacity), machine.capacity.dimms.stoppedBy ? `QEMU then answers: ${machine.capacity.dimms.stoppedBy.error}` : ''].filter(Boolean).join('\n'),
    });
  }
  return hints;
}
