import type { Range } from '../model/range';
import { describeItem, itemOfRef, userId } from './lookup';
import { qemuSays } from './refusal-text';
import { finding, type Rule } from './types';

/**
 * MS020 — a property (on `-device`, `-object` or `-global`) or an object type that this QEMU does
 * not have: a typo, a property of a fork (virtio-fs's `cache-size`), or one newer than the QEMU in
 * the host profile (`dynamic-memslots` before 8.2). QEMU stops before it plugs anything else
 * (qdev_device_add(), object_apply_global_props(), QAPI's -object parsing). The property lists
 * are QEMU 10.0's own (simulator/properties.ts).
 */
const patterns = {
  global: /^can't apply global ([^.]+)\.([^=]+)=/,
  device: /^Property '([^.']+)\.([^']+)' not found$/,
  object: /^(?:Invalid parameter '([^']+)'|Parameter '([^']+)' is unexpected)$/,
  type: /^Parameter 'qom-type' does not accept value '([^']+)'$/,
};

export const unknownProperty: Rule = {
  code: 'MS020',
  slug: 'unknown-property',
  title: 'property or object type this QEMU does not have',
  defaultSeverity: 'error',
  reporter: 'rule',
  check(context) {
    const { simulation, model, profile } = context;
    const error = simulation.error;
    if (error === null || simulation.outcome !== 'refused') return [];
    const qemu = `QEMU ${profile.qemuVersion.value.major}.${profile.qemuVersion.value.minor}`;
    const item = itemOfRef(model, simulation.refusedByRef);
    const subjects = [userId(item)].filter((s): s is string => s !== undefined);
    const report = (message: string, range: Range) =>
      [finding(this, { message, range, related: [qemuSays(error, range)], subjects })];

    const global = patterns.global.exec(error);
    if (global) {
      const [, driver, property] = global;
      const written = model.globals.find((g) => g.driver.value === driver && g.property.value === property);
      return report(`${qemu} refuses ${describeItem(item)}: -global ${driver}.${property} names no property of ${driver}`, written?.property.range ?? item?.range ?? model.headRange);
    }
    const device = patterns.device.exec(error);
    if (device && item && item.kind !== 'memory-backend' && item.kind !== 'netdev') {
      const key = device[2];
      // dynamic-memslots written on a device before QEMU 8.2 has its own rule (MS011), with a fix.
      if (key === 'dynamic-memslots' && item.kind === 'memory-device') return [];
      const property = [...item.properties].reverse().find((p) => p.key === key);
      return report(`${qemu} refuses ${describeItem(item)}: ${device[1]} has no property '${key}'`, property?.keyRange ?? item.range);
    }
    const object = patterns.object.exec(error);
    if (object && item?.kind === 'memory-backend') {
      const key = object[1] ?? object[2];
      const property = [...item.properties].reverse().find((p) => p.key === key);
      return report(`${qemu} refuses ${describeItem(item)}: ${item.type.value} has no property '${key}'`, property?.keyRange ?? item.range);
    }
    const type = patterns.type.exec(error);
    if (type && item?.kind === 'memory-backend') {
      return report(`${qemu} has no object type ${type[1]}, so it refuses ${describeItem(item)}`, item.type.range);
    }
    return [];
  },
};

