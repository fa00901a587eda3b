import type { DocumentText } from '../../model/document-text';
import { parseQemuSize } from '../qemu/qemu-size';
import { readPlanDirective } from './directive';
import { addStep, deleteStep, notModelledStep, qomSetStep, unreadable } from './steps';
import type { HotplugPlan } from './types';

/** HMP command → the QMP command it runs. */
const qmpName: Readonly<Record<string, string>> = {
  object_add: 'object-add', device_add: 'device_add', netdev_add: 'netdev_add', 'chardev-add': 'chardev-add',
  object_del: 'object-del', device_del: 'device_del', netdev_del: 'netdev_del', 'qom-set': 'qom-set',
};

/**
 * An HMP plan: monitor lines as typed (`object_add memory-backend-ram,id=m1,size=1G`,
 * `device_add pc-dimm,id=d1,memdev=m1`, `qom-set /machine/peripheral/vm0 requested-size 4G`).
 * The add commands take the command line's option syntax, so the QEMU front end reads them.
 */
export function parseHmpPlan(document: DocumentText): HotplugPlan {
  const plan: HotplugPlan = { format: 'hmp', steps: [], findings: [] };
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineText(line);
    const start = document.offsetAt({ line, character: 0 });
    const trimmed = text.trim();
    if (trimmed.startsWith('#')) {
      readPlanDirective(trimmed.slice(1), start + text.indexOf('#') + 1, document, plan);
      continue;
    }
    if (trimmed === '') continue;
    const lead = text.indexOf(trimmed);
    const range = document.rangeOf(start + lead, start + lead + trimmed.length);
    const words = [...trimmed.matchAll(/\S+/g)].map((m) => ({ text: m[0], offset: start + lead + (m.index ?? 0) }));
    const name = words[0].text;
    const command = qmpName[name];
    if (command === undefined) {
      plan.steps.push(notModelledStep(name.replace(/_/g, '-'), null, range));
      continue;
    }
    const args = words.slice(1);
    switch (command) {
      case 'object-add': case 'device_add': case 'netdev_add': case 'chardev-add': {
        if (args.length !== 1) {
          plan.findings.push(unreadable(`${name} takes one argument, e.g. ${name} TYPE,id=ID,...`, range));
          continue;
        }
        const step = addStep(command, args[0].text, args[0].offset, document, range, plan.findings);
        if (step?.event.kind === 'chardev-add' || step?.event.kind === 'netdev_add') step.event.monitor = 'hmp';
        if (step) plan.steps.push(step);
        continue;
      }
      case 'object-del': case 'device_del': case 'netdev_del': {
        if (args.length !== 1) {
          plan.findings.push(unreadable(`${name} takes one argument, the id`, range));
          continue;
        }
        plan.steps.push(deleteStep(command, args[0].text, range));
        continue;
      }
      default: {
        if (args.length !== 3) {
          plan.findings.push(unreadable('qom-set takes a path, a property and a value', range));
          continue;
        }
        const [path, property, value] = args.map((arg) => arg.text);
        if (property !== 'requested-size' && property !== 'size') {
          plan.steps.push(notModelledStep('qom-set', path, range));
          continue;
        }
        // HMP parses the value with the property's own type: sizes take suffixes.
        const size = parseQemuSize(value);
        plan.steps.push(qomSetStep(path, property, size.ok ? size.bytes : value, range));
      }
    }
  }
  return plan;
}
