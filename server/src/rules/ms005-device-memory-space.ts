import { codes } from '../model/codes';
import { formatSize } from '../model/sizes';
import type { Fix } from '../model/findings';
import { deviceMemoryFix, dimmCount, deviceMemoryRefusals, memoryDevicesTotal } from './device-memory-shared';
import { itemOfRef, nameOf, userId } from './lookup';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS005 — memory devices need device memory: `maxmem` above the boot RAM, large enough for all of
 * them (hw/mem/memory-device.c memory_device_pre_plug() and check_addable(), hw/i386/pc.c,
 * hw/core/machine.c; docs/facts/memory-devices.md#device-memory-errors). libvirt: `<maxMemory>` ("cannot use/hotplug a
 * memory device when domain 'maxMemory' is not defined", "memory device total size exceeds
 * hotplug space", src/qemu/qemu_domain.c).
 */
export const deviceMemorySpace: Rule = {
  ...codes.MS005,
  check(context) {
    const { simulation, model } = context;
    const error = simulation.error ?? '';
    if (!deviceMemoryRefusals.space(simulation.reason)) return [];
    const refused = itemOfRef(model, simulation.refusal?.ref);
    const ram = simulation.machine.ramSize;
    const needed = memoryDevicesTotal(model);
    const maxmem = model.memory.maxmem ? `maxmem is ${formatSize(model.memory.maxmem.value)}` : 'maxmem is not set';
    const message = needed > 0
      ? `QEMU refuses ${refused ? nameOf(refused) : '-m'}: memory devices need maxmem ≥ ${formatSize(ram + needed)} (RAM ${formatSize(ram)} + ${formatSize(needed)}); ${maxmem}`
      : `QEMU refuses ${refused ? nameOf(refused) : '-m'}: ${maxmem} above the boot RAM, so memory devices have no space`;
    return [finding(this, {
      message,
      qemu: error,
      range: refused?.range ?? model.memory.ranges[0] ?? model.headRange,
      related: model.memory.ranges.slice(0, 1).map((range) => ({ message: 'boot RAM size, maxmem and slots are set here', range })),
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      fixes: raiseMaxmemFix(context, ram + needed),
    })];
  },
};

function raiseMaxmemFix(context: RuleContext, maxmem: number): Fix[] {
  const slots = Math.max(context.model.memory.slots?.value ?? 0, dimmCount(context.model));
  return deviceMemoryFix(context, { maxmem, slots });
}
