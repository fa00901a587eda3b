import type { Finding } from '../../model/findings';
import type { MachineModel, OptionSyntax } from '../../model/machine';
import type { Range } from '../../model/range';
import { written, type Located } from '../../model/values';
import { frontendCodes } from '../../model/codes';
import { resolveRef } from '../../model/references';

/** Ids as the options defined them, per QEMU namespace, in command-line order. */
export interface IdRegistry {
  object: Array<{ id: Located<string>; isBackend?: boolean; syntax?: OptionSyntax }>;
  device: Array<{ id: Located<string>; syntax?: OptionSyntax }>;
  netdev: Array<{ id: Located<string>; syntax?: OptionSyntax }>;
  chardev: Array<{ id: Located<string>; syntax?: OptionSyntax }>;
}

/**
 * QEMU 10's words for an id used twice. QemuOpts finds it while parsing when both options are
 * QemuOpts; with a JSON one involved, the object tree or the device/netdev layer finds it.
 */
function duplicateMessage(namespace: keyof IdRegistry, id: string, bothQemuOpts: boolean): string {
  if (bothQemuOpts) return `Duplicate ID '${id}' for ${namespace}`;
  switch (namespace) {
    case 'object': return `attempt to add duplicate property '${id}' to object (type 'container')`;
    case 'device': return `Duplicate device ID '${id}'`;
    default: return `Duplicate ID '${id}'`;
  }
}

const optionOf: Record<keyof IdRegistry, string> = { object: '-object', device: '-device', netdev: '-netdev', chardev: '-chardev' };

/** Shell expansions we could not resolve make a value unknown, not wrong. */
function unknown(value: string): boolean {
  return value.includes('$') || value.includes('`');
}

export function checkIdsAndReferences(model: MachineModel, ids: IdRegistry, findings: Finding[]): void {
  for (const namespace of Object.keys(ids) as Array<keyof IdRegistry>) {
    const seen = new Map<string, Range>();
    const seenSyntax = new Map<string, OptionSyntax | undefined>();
    for (const { id, syntax } of ids[namespace]) {
      if (unknown(id.value)) continue;
      const earlier = seen.get(id.value);
      if (earlier === undefined) {
        seen.set(id.value, id.range);
        seenSyntax.set(id.value, syntax);
        continue;
      }
      const bothQemuOpts = syntax !== 'json' && seenSyntax.get(id.value) !== 'json';
      const { code, defaultSeverity: severity } = frontendCodes.duplicateId;
      findings.push({
        code,
        severity,
        message: `${duplicateMessage(namespace, id.value, bothQemuOpts)}: already used by an earlier ${optionOf[namespace]}`,
        range: id.range,
        related: [{ message: `first ${optionOf[namespace]} with id '${id.value}'`, range: earlier }],
      });
    }
  }
  // A -readconfig file may define what the command line refers to; we cannot read it.
  if (model.readconfig.length > 0) return;

  // References resolve against what the options defined (a -netdev without a type still has its id), not the model.
  const backends = ids.object.filter((o) => o.isBackend);
  const dangling = (reference: Located<string>, message: string): void => {
    const { code, defaultSeverity: severity } = frontendCodes.danglingReference;
    findings.push({ code, severity, message, range: reference.range });
  };
  const memdev = (key: string, reference: Located<string> | undefined): void => {
    if (!reference || unknown(reference.value) || resolveRef(backends, reference)) return;
    dangling(reference, resolveRef(ids.object, reference)
      ? `${key} '${reference.value}' names an -object that is not a memory backend`
      : `${key} '${reference.value}' does not name any -object`);
  };
  const chardev = (reference: Located<string> | undefined): void => {
    if (!reference || unknown(reference.value) || resolveRef(ids.chardev, reference)) return;
    dangling(reference, `chardev '${reference.value}' does not name any -chardev`);
  };
  const netdev = (reference: Located<string> | undefined): void => {
    if (!reference || unknown(reference.value) || resolveRef(ids.netdev, reference)) return;
    dangling(reference, `netdev '${reference.value}' does not name any -netdev or -nic`);
  };

  memdev('memory-backend', model.machine.memoryBackend);
  for (const node of model.numaNodes) memdev('memdev', node.memdev);
  for (const net of model.netdevs) chardev(net.chardev);
  for (const device of model.devices) {
    switch (device.kind) {
      case 'memory-device': memdev('memdev', device.memdev); break;
      case 'vhost-device': chardev(device.chardev); break;
      case 'net-device': netdev(device.netdev); break;
      default: {
        // Other devices may refer to backends too (ivshmem memdev/chardev, serial ports...).
        for (const property of device.properties) {
          if (typeof property.value !== 'string') continue;
          const reference = written(property.value, property.valueRange);
          if (property.key === 'memdev') memdev('memdev', reference);
          else if (property.key === 'chardev') chardev(reference);
          else if (property.key === 'netdev') netdev(reference);
        }
      }
    }
  }
}
