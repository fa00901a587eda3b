import { codes } from '../model/codes';
import { formatSize } from '../model/sizes';
import { qemuSays } from './refusal-text';
import { finding, type Rule } from './types';

/**
 * MS021 — the `-numa node`s' memory (`mem=`, or each memdev's size) must add up to the boot RAM
 * of `-m` (hw/core/numa.c numa_complete_configuration()); QEMU does not start otherwise.
 */
export const numaMemoryMismatch: Rule = {
  ...codes.MS021,
  check(context) {
    const { simulation, model } = context;
    const error = simulation.error ?? '';
    if (simulation.reason !== 'numa-memory-mismatch') return [];
    const total = Number(/\((0x[0-9a-f]+)\)/i.exec(error)?.[1] ?? Number.NaN);
    const ram = simulation.machine.ramSize;
    const range = model.numaNodes[0]?.range ?? model.headRange;
    return [finding(this, {
      message: `QEMU refuses the NUMA nodes: they hold ${Number.isNaN(total) ? 'a different size' : formatSize(total)}, the boot RAM (-m) is ${formatSize(ram)}`,
      range,
      related: [qemuSays(error, range), ...model.memory.ranges.slice(0, 1).map((r) => ({ message: 'the boot RAM size is set here', range: r }))],
    })];
  },
};
