import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import type { MemoryDevice } from '../model/machine';
import { simulate } from '../simulator';
import { removeProperty, setOptionProperty } from './edits';
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
      // In XML the attribute is not a QemuOpts member; removing it is left to the user there.
      const edit = model.frontend === 'qemu' ? removeProperty(context.document, refused, 'dynamic-memslots') : null;
      return [finding(this, {
        // libvirt checks QEMU's capabilities itself and refuses the domain before QEMU runs.
        message: model.frontend === 'libvirt'
          ? `libvirt refuses ${nameOf(refused)}: dynamicMemslots needs QEMU 8.2 and libvirt 10.1; the host has QEMU ${version}`
          : `QEMU ${version} refuses ${nameOf(refused)}: dynamic-memslots exists from QEMU 8.2 on`,
        qemu: model.frontend === 'libvirt' ? `libvirt: unsupported configuration: virtio-mem does not support dynamicMemslots\nQEMU: ${error}` : error,
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
  if (context.model.frontend !== 'qemu') return [];
  const changed = withDevices(context.model, context.model.devices.map((d) =>
    d === device ? { ...device, unpluggedInaccessible: { value: true as const, range: device.range, origin: 'written' as const } } : d));
  if (simulate(changed, context.profile).reason === 'dynamic-memslots-needs-unplugged-inaccessible') return [];
  const edit = setOptionProperty(context.document, device, 'unplugged-inaccessible', true);
  return edit ? [{ title: 'Add unplugged-inaccessible=on', edits: [edit], isPreferred: true, fixAll: true }] : [];
}
