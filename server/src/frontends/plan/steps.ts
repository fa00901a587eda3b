import type { Finding } from '../../model/findings';
import type { DocumentText } from '../../model/document-text';
import type { Range } from '../../model/range';
import type { Chardev } from '../../model/machine';
import { written } from '../../model/values';
import type { HotplugEvent } from '../../model/machine';
import { buildOption, firstBackend, firstChardev, firstDevice, firstNetdev, type OptionName } from './items';
import { planCodes } from '../../model/codes';
import type { PlanStep } from './types';

/**
 * Turns one command (QMP name + what its arguments say) into a plan step; shared by the QMP, HMP
 * and libvirt readers so the three give the same steps for the same command.
 */

const addCommands: Readonly<Record<string, OptionName>> = {
  'object-add': 'object', device_add: 'device', netdev_add: 'netdev', 'chardev-add': 'chardev',
};

export function unreadable(message: string, range: Range): Finding {
  const { code, defaultSeverity } = planCodes.unreadable;
  return { code, severity: defaultSeverity, message, range };
}

export function notModelledStep(command: string, id: string | null, range: Range): PlanStep {
  return { command, id, range, event: { kind: 'not-modelled', command } };
}

/**
 * An add command whose arguments are option text at `offset` of the document (`-object` JSON or
 * QemuOpts, `-device`...). Returns undefined, with findings, when the front end cannot read it.
 */
export function addStep(
  command: string, text: string, offset: number, document: DocumentText, range: Range, findings: Finding[]): PlanStep | undefined {
  const option = addCommands[command];
  if (option === undefined) return undefined;
  const built = buildOption(option, text, offset, document);
  findings.push(...built.findings);
  const model = built.model;
  let event: HotplugEvent | undefined;
  let id: string | null = null;
  switch (option) {
    case 'object': {
      const backend = firstBackend(model);
      if (backend) event = { kind: 'object_add', backend };
      id = backend?.id?.value ?? idOf(model.unmodelled[0]?.value);
      break;
    }
    case 'device': {
      const device = firstDevice(model);
      if (device) event = { kind: 'device_add', device };
      id = device?.id?.value ?? null;
      break;
    }
    case 'netdev': {
      const netdev = firstNetdev(model);
      if (netdev) event = { kind: 'netdev_add', netdev };
      id = netdev?.id?.value ?? null;
      break;
    }
    case 'chardev': {
      const chardev = firstChardev(model);
      if (chardev) event = { kind: 'chardev-add', chardev };
      id = chardev?.id?.value ?? null;
      break;
    }
  }
  if (event === undefined) {
    if (built.findings.length > 0) return undefined;
    // Something QEMU knows that memslot does not model (an iothread object, a non-memory device...).
    return notModelledStep(command, id, range);
  }
  return { command, id, range, event };
}

/** `id=...` of QemuOpts text or `"id": "..."` of JSON, for steps memslot does not model. */
function idOf(text: string | undefined): string | null {
  if (text === undefined) return null;
  return /(?:^|,)id=([^,]*)/.exec(text)?.[1] ?? /"id"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? null;
}

/** `chardev-add` over QMP: `{"id", "backend": {"type": "socket", "data": {"addr": {"type": "unix", "data": {"path"}}}}}`. */
export function socketChardev(id: string, path: string | undefined, server: boolean, range: Range): Chardev {
  const chardev: Chardev = { kind: 'chardev', range, order: -1, syntax: 'json', properties: [], id: written(id, range), backend: written('socket', range) };
  if (path !== undefined) chardev.path = written(path, range);
  chardev.server = written(server, range);
  return chardev;
}

export function deleteStep(command: 'device_del' | 'object-del' | 'netdev_del', id: string, range: Range): PlanStep {
  const kind = command === 'object-del' ? 'object-del' : command;
  return { command, id, range, event: { kind, id } };
}

export function qomSetStep(path: string, property: string, value: number | string, range: Range): PlanStep {
  const trimmed = path.replace(/\/+$/, '');
  const id = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return { command: 'qom-set', id, range, event: { kind: 'qom-set', id, path, property, value } };
}
