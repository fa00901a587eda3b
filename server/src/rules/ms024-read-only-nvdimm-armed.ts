import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import { describeItem, itemOfRef, userId } from './lookup';
import { qemuSays } from './refusal-text';
import { finding, type Rule } from './types';

/**
 * MS024 — an NVDIMM on a read-only memory backend (`memory-backend-file,readonly=on`, as Kata
 * Containers boots its rootfs image) must be `unarmed=on`: the guest could not write it
 * (hw/mem/nvdimm.c nvdimm_prepare_memory_region()). Read-only memory takes no vhost slot.
 */
export const readOnlyNvdimmArmed: Rule = {
  ...codes.MS024,
  check(context) {
    const { simulation, model, editor } = context;
    const error = simulation.error ?? '';
    if (simulation.reason !== 'read-only-nvdimm-armed') return [];
    const refused = itemOfRef(model, simulation.refusal?.ref);
    if (refused?.kind !== 'memory-device') return [];
    const edit = editor.setProperty(refused, 'unarmed', 'on');
    const fixes: Fix[] = edit ? [{ title: `Set unarmed=on on ${describeItem(refused)}`, edits: [edit], isPreferred: true }] : [];
    return [finding(this, {
      message: `QEMU refuses ${describeItem(refused)}: its memdev ${refused.memdev?.value ?? ''} is read-only, so it needs unarmed=on`,
      range: refused.range,
      related: [qemuSays(error, refused.range)],
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      fixes,
    })];
  },
};
