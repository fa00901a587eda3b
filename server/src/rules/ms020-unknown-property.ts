import { codes } from '../model/codes';
import type { Range } from '../model/range';
import { deviceHasProperty, innerDeviceType, objectHasProperty } from '../simulator/properties';
import { describeItem, itemOfRef, userId } from './lookup';
import { qemuSays } from './refusal-text';
import { finding, type Rule } from './types';

/**
 * MS020 — a property (on `-device`, `-object` or `-global`) or an object type that this QEMU does
 * not have: a typo, a property of a fork (virtio-fs's `cache-size`), or one newer than the QEMU in
 * the host profile (`rom` before 8.2, `memory-backend-shm` before 9.1). QEMU stops before it plugs
 * anything else (qdev_device_add(), object_apply_global_props(), QAPI's -object parsing). The
 * property lists are QEMU 10.0's own (simulator/properties.ts); `dynamic-memslots` written on a
 * device before 8.2 is MS011's.
 */
export const unknownProperty: Rule = {
  ...codes.MS020,
  check(context) {
    const { simulation, model, profile } = context;
    const reason = simulation.reason;
    if (reason !== 'unknown-property' && reason !== 'unknown-global-property' && reason !== 'unknown-object-type') return [];
    const error = simulation.error ?? '';
    const version = profile.qemuVersion.value;
    const qemu = `QEMU ${version.major}.${version.minor}`;
    const item = itemOfRef(model, simulation.refusal?.ref);
    if (item === undefined || item.kind === 'netdev') return [];
    const subjects = [userId(item)].filter((s): s is string => s !== undefined);
    const report = (message: string, range: Range) => [finding(this, { message, range, related: [qemuSays(error, range)], subjects })];

    if (item.kind === 'memory-backend') {
      if (reason === 'unknown-object-type') return report(`${qemu} has no object type ${item.type.value}, so it refuses ${describeItem(item)}`, item.type.range);
      const unknown = item.properties.find((p) => objectHasProperty(item.type.value, p.key, version) === false);
      return unknown ? report(`${qemu} refuses ${describeItem(item)}: ${item.type.value} has no property '${unknown.key}'`, unknown.keyRange) : [];
    }
    const driver = item.driver.value;
    if (reason === 'unknown-global-property') {
      const types = [driver, innerDeviceType(driver)];
      const global = model.globals.find(
        (g) => types.includes(g.driver.value) && deviceHasProperty(g.driver.value, g.property.value, version) === false);
      if (!global) return [];
      return report(`${qemu} refuses ${describeItem(item)}: -global ${global.driver.value}.${global.property.value} names no property of ${global.driver.value}`, global.property.range);
    }
    const unknown = item.properties.find((p) => deviceHasProperty(driver, p.key, version) === false);
    return unknown ? report(`${qemu} refuses ${describeItem(item)}: ${driver} has no property '${unknown.key}'`, unknown.keyRange) : [];
  },
};
