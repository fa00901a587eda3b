import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import type { MemoryDevice } from '../model/machine';
import { simulate } from '../simulator';
import { itemOfRef, nameOf, withDevices } from './lookup';
import { plugEventOf } from './ms010-dynamic-memslots-no-effect';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS011 — dynamic-memslots=on that QEMU refuses: QEMU before 8.2 has no such property
 * ("Property 'virtio-mem-pci.dynamic-memslots' not found"), and it requires
 * unplugged-inaccessible=on, which machine types 8.0 and older resolve to off for plain anonymous
 * memory-backend-ram (and 6.2 and older for every backend): "'dynamic-memslots' property set to
 * 'on' requires 'unplugged-inaccessible' to be 'on'" (hw/virtio/virtio-mem.c, docs/facts/virtio-mem.md#unplugged-inaccessible).
 */
export const dynamicMemslotsCannotWork: Rule = {
  ...codes.MS011,
  check(context) {
    const { simulation, model, profile } = context;
    const error = simulation.error ?? '';
    const refused = itemOfRef(model, simulation.refusal?.ref);
    if (refused?.kind !== 'memory-device') return [];
    const version = `${profile.qemuVersion.value.major}.${profile.qemuVersion.value.minor}`;
    if (simulation.reason === 'dynamic-memslots-needs-unplugged-inaccessible') {
      const explanation = plugEventOf(simulation, simulation.refusal?.ref?.index ?? -1)?.decisions.find((d) => d.what === 'unplugged-inaccessible')?.explanation;
      return [finding(this, {
        message: `QEMU refuses ${nameOf(refused)}: dynamic-memslots=on needs unplugged-inaccessible=on, which is off here`,
        qemu: error,
        data: { explanation: explanation ?? null },
        range: refused.dynamicMemslots?.origin === 'written' ? refused.dynamicMemslots.range : refused.range,
        subjects: [refused.id?.value ?? refused.driver.value],
        fixes: unpluggedInaccessibleFix(context, refused),
      })];
    }
    if (simulation.reason === 'dynamic-memslots-unsupported') {
      const edit = context.editor.removeProperty(refused, 'dynamic-memslots');
      // Who refuses it (QEMU, or libvirt checking QEMU's capabilities first) is the front end's to say.
      const refusal = context.editor.vocabulary.unsupportedProperty('dynamic-memslots', version, error);
      return [finding(this, {
        message: `${refusal.refuser} refuses ${nameOf(refused)}: ${refusal.requirement}`,
        qemu: refusal.verbatim,
        data: { qemuVersionOrigin: profile.qemuVersion.origin },
        range: refused.dynamicMemslots?.range ?? refused.range,
        subjects: [refused.id?.value ?? refused.driver.value],
        fixes: edit ? [{ title: 'Remove dynamic-memslots (not available before QEMU 8.2)', edits: [edit], isPreferred: true }] : [],
      })];
    }
    return [];
  },
};

function unpluggedInaccessibleFix(context: RuleContext, device: MemoryDevice): Fix[] {
  const edit = context.editor.setProperty(device, 'unplugged-inaccessible', true);
  if (!edit) return [];
  const changed = withDevices(context.model, context.model.devices.map((d) =>
    d === device ? { ...device, unpluggedInaccessible: { value: true as const, range: device.range, origin: 'written' as const } } : d));
  if (simulate(changed, context.profile).reason === 'dynamic-memslots-needs-unplugged-inaccessible') return [];
  return [{ title: `Add ${context.editor.vocabulary.assignment('unplugged-inaccessible', true)}`, edits: [edit], isPreferred: true, fixAll: true }];
}
