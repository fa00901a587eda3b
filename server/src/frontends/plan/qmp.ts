import type { Finding } from '../../model/findings';
import type { DocumentText } from '../../model/document-text';
import { parseJson, type JsonNode } from '../qemu/json-option';
import { addStep, deleteStep, notModelledStep, qomSetStep, socketChardev, unreadable } from './steps';
import { readPlanDirective } from './directive';
import type { HotplugPlan, PlanStep } from './types';

/**
 * A QMP plan: one JSON command per line (`{"execute": "device_add", "arguments": {...}}`); blank
 * lines and `#` comments are skipped. Commands memslot does not model are kept as steps.
 */
export function parseQmpPlan(document: DocumentText): HotplugPlan {
  const plan: HotplugPlan = { format: 'qmp', steps: [], findings: [] };
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineText(line);
    const trimmed = text.trim();
    const start = document.offsetAt({ line, character: 0 });
    if (trimmed.startsWith('#')) {
      readPlanDirective(trimmed.slice(1), start + text.indexOf('#') + 1, document, plan);
      continue;
    }
    if (trimmed === '') continue;
    const range = document.rangeOf(start + text.indexOf(trimmed), start + text.indexOf(trimmed) + trimmed.length);
    const parsed = parseJson(text);
    if (!parsed.ok) {
      plan.findings.push(unreadable(`Not a QMP command: ${parsed.message}`, document.rangeOf(start + parsed.from, start + Math.max(parsed.to, parsed.from + 1))));
      continue;
    }
    const step = qmpStep(parsed.value, text, start, document, range, plan.findings);
    if (step) plan.steps.push(step);
  }
  return plan;
}

function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.kind === 'object' ? node.members.find((m) => m.key === key)?.value : undefined;
}

function stringMember(node: JsonNode | undefined, key: string): string | undefined {
  const value = member(node, key);
  return value?.kind === 'string' ? value.value : undefined;
}

function qmpStep(node: JsonNode, text: string, start: number, document: DocumentText, range: PlanStep['range'], findings: Finding[]): PlanStep | undefined {
  const execute = member(node, 'execute');
  if (node.kind !== 'object' || execute?.kind !== 'string') {
    findings.push(unreadable('A QMP command is an object with "execute" naming the command', range));
    return undefined;
  }
  const command = execute.value;
  const args = member(node, 'arguments');
  const id = stringMember(args, 'id') ?? null;
  switch (command) {
    case 'object-add': case 'device_add': case 'netdev_add': {
      if (args?.kind !== 'object') {
        findings.push(unreadable(`${command} needs "arguments"`, range));
        return undefined;
      }
      return addStep(command, text.slice(args.from, args.to), start + args.from, document, range, findings);
    }
    case 'chardev-add': {
      const backend = member(args, 'backend');
      const data = member(backend, 'data');
      const address = member(member(data, 'addr'), 'data');
      if (id === null || stringMember(backend, 'type') !== 'socket' || stringMember(member(data, 'addr'), 'type') !== 'unix') return notModelledStep(command, id, range);
      const server = member(data, 'server');
      return { command, id, range, event: { kind: 'chardev-add', chardev: socketChardev(id, stringMember(address, 'path'), server?.kind === 'boolean' && server.value, range) } };
    }
    case 'device_del': case 'object-del': case 'netdev_del': {
      if (id === null) {
        findings.push(unreadable(`${command} needs "arguments": {"id": ...}`, range));
        return undefined;
      }
      return deleteStep(command, id, range);
    }
    case 'qom-set': {
      const path = stringMember(args, 'path');
      const property = stringMember(args, 'property');
      const value = member(args, 'value');
      if (path === undefined || property === undefined || value === undefined) {
        findings.push(unreadable('qom-set needs "arguments": {"path", "property", "value"}', range));
        return undefined;
      }
      if (property !== 'requested-size' && property !== 'size') return notModelledStep(command, path, range);
      const scalar = value.kind === 'number' || value.kind === 'string' ? value.value : text.slice(value.from, value.to);
      return qomSetStep(path, property, scalar, range);
    }
    default: return notModelledStep(command, id, range);
  }
}
