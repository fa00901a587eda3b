import type { Finding } from '../../model/findings';
import type { Chardev, Device, MachineModel, MemoryBackend, Netdev } from '../../model/machine';
import type { DocumentText } from '../../model/document-text';
import { frontendCodes } from '../../model/codes';
import { ModelBuilder } from '../qemu/build-model';
import type { ShellWord } from '../qemu/shell-words';

/**
 * A plan's `object-add`, `device_add`, `netdev_add` and `chardev-add` arguments are what the
 * matching command-line option takes (`-object {json}`, `-device pc-dimm,id=d1,...`), so the QEMU
 * front end reads them: the same values, defaults and messages, with ranges in the plan file.
 */

/** A word the plan holds verbatim at `start` (no shell quoting in plans). */
function verbatimWord(text: string, start: number): ShellWord {
  const starts = Array.from({ length: text.length }, (_, i) => start + i);
  return {
    text, start, end: start + text.length, unresolved: [], assignment: false,
    get starts() { return starts; },
    get ends() { return starts.map((offset) => offset + 1); },
    sourceStartAt: (index: number) => start + index,
    sourceEndAt: (index: number) => start + index + 1,
  };
}

export type OptionName = 'object' | 'device' | 'netdev' | 'chardev';

export interface BuiltItem {
  model: MachineModel;
  findings: Finding[];
}

/** Reads `-<option> <text at offset>` with the QEMU front end. References to ids are left to the simulation. */
export function buildOption(option: OptionName, text: string, offset: number, document: DocumentText): BuiltItem {
  const flag = verbatimWord(`-${option}`, offset);
  const arg = verbatimWord(text, offset);
  const command = { words: [flag, arg], start: offset, end: offset + text.length };
  const model = new ModelBuilder({ command, args: [flag, arg], arch: 'x86_64' }, document).build();
  // The ids a step names live in the VM or in earlier steps: QEMU's answer comes from the simulation.
  const findings = model.diagnostics.filter((finding) => finding.code !== frontendCodes.danglingReference.code);
  return { model, findings };
}

export function firstBackend(model: MachineModel): MemoryBackend | undefined {
  return model.backends.find((backend) => !backend.implicit);
}

export function firstDevice(model: MachineModel): Device | undefined {
  return model.devices[0];
}

export function firstNetdev(model: MachineModel): Netdev | undefined {
  return model.netdevs[0];
}

export function firstChardev(model: MachineModel): Chardev | undefined {
  return model.chardevs[0];
}
