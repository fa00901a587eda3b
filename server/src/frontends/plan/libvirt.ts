import type { DocumentText } from '../../model/document-text';
import type { Chardev, Device, MachineModel, MemoryBackend, ModelItem, Netdev } from '../../model/machine';
import type { Finding } from '../../model/findings';
import { written } from '../../model/values';
import { mapDomainElement, readXml, type XmlElement, type XmlNode } from '../libvirt';
import { childElements, firstChild } from '../libvirt/xml';
import { readPlanDirective } from './directive';
import { notModelledStep, unreadable } from './steps';
import type { HotplugPlan, PlanStep } from './types';

/** The elements `virsh attach-device` takes that matter for memslots. */
const supported = new Set(['memory', 'filesystem', 'interface', 'disk']);

/**
 * libvirt device XML as given to `virsh attach-device` (one element, or several in `<devices>`),
 * turned into QEMU's commands as libvirt's qemu_hotplug.c sends them: the memory backend
 * (`object-add`), the socket (`chardev-add`), the netdev (`netdev_add`), then the device
 * (`device_add`), with libvirt's ids (dimm<slot>/memdimm<slot>, fs<N>/chr-vu-fs<N>,
 * net<N>/hostnet<N>/charnet<N>). The ids come from the domain the plan is for: the elements are
 * read as if they followed the domain's own devices, by the same front end as the domain.
 */
export function parseLibvirtDevicePlan(document: DocumentText, vmText: string): HotplugPlan {
  const plan: HotplugPlan = { format: 'libvirt-device', steps: [], findings: [] };
  const xml = readXml(document);
  plan.findings.push(...xml.diagnostics.filter((d) => !/only one root element|after the root element/i.test(d.message)));
  const elements: XmlElement[] = [];
  for (const node of xml.children) {
    if (node.kind === 'comment') {
      const offset = document.offsetAt(node.range.start) + 4;
      readPlanDirective(node.text, offset, document, plan);
    } else if (node.kind === 'element') {
      elements.push(...(node.name === 'devices' ? childElements(node) : [node]));
    }
  }
  const domain = readXml(vmText).root;
  if (!domain || domain.name !== 'domain') {
    if (elements.length > 0) plan.findings.push(unreadable('libvirt device XML is attached to a libvirt domain: name a domain XML file as the VM', elements[0].startTagRange));
    return plan;
  }
  const attached = elements.filter((element) => {
    if (supported.has(element.name)) return true;
    plan.steps.push(notModelledStep('device_add', null, element.startTagRange));
    return false;
  });
  if (attached.length === 0) return plan;
  const model = mapDomainElement(withDevices(domain, attached));
  // What libvirt says about the attached elements: the merged domain's findings the domain alone does not have.
  const own = new Set(mapDomainElement(domain).diagnostics.map(findingKey));
  plan.findings.push(...model.diagnostics.filter((d) => !own.has(findingKey(d))));
  for (const element of attached) plan.steps.push(...stepsOf(element, model));
  return plan;
}

function findingKey(finding: Finding): string {
  return `${finding.code} ${finding.message} ${JSON.stringify(finding.range)}`;
}

/** A copy of the domain whose `<devices>` ends with the attached elements. */
function withDevices(domain: XmlElement, attached: XmlElement[]): XmlElement {
  const devices = firstChild(domain, 'devices');
  const merged: XmlElement = devices
    ? withChildren(devices, [...devices.children, ...attached])
    : { kind: 'element', name: 'devices', nameRange: domain.nameRange, attributes: [], children: attached, startTagRange: domain.startTagRange, range: domain.range, closed: true };
  const children = devices ? domain.children.map((child) => (child === devices ? merged : child)) : [...domain.children, merged];
  return withChildren(domain, children);
}

/**
 * The element with other children. Property by property: the reader's elements compute their
 * ranges in getters, which an object spread would drop (leaving findings without a range).
 */
function withChildren(element: XmlElement, children: XmlNode[]): XmlElement {
  const { name, nameRange, attributes, startTagRange, range, closed } = element;
  return { kind: 'element', name, nameRange, attributes, children, startTagRange, range, closed };
}

/** The model items libvirt made of one attached element (they carry the element's range), as steps. */
function stepsOf(element: XmlElement, model: MachineModel): PlanStep[] {
  const mine = <T extends ModelItem>(items: T[]): T[] => items.filter((item) => item.range === element.range);
  const range = element.startTagRange;
  const steps: PlanStep[] = [];
  for (const backend of mine<MemoryBackend>(model.backends)) steps.push({ command: 'object-add', id: backend.id?.value ?? null, range, event: { kind: 'object_add', backend } });
  for (const chardev of mine<Chardev>(model.chardevs)) steps.push({ command: 'chardev-add', id: chardev.id?.value ?? null, range, event: { kind: 'chardev-add', chardev } });
  for (const netdev of mine<Netdev>(model.netdevs)) steps.push({ command: 'netdev_add', id: netdev.id?.value ?? null, range, event: { kind: 'netdev_add', netdev } });
  for (const device of mine<Device>(model.devices)) steps.push({ command: 'device_add', id: device.id?.value ?? null, range, event: { kind: 'device_add', device: onHotplugPort(device) } });
  if (steps.length === 0) steps.push(notModelledStep('device_add', null, range));
  return steps;
}

/**
 * libvirt puts a hot-plugged PCI device on a free hot-pluggable port (on q35 a pcie-root-port it
 * reserved at define time), never on pcie.0 [inf: qemuDomainEnsurePCIAddress].
 */
function onHotplugPort(device: Device): Device {
  if (!device.driver.value.endsWith('-pci')) return device;
  const bus = written('libvirt-hotplug-port', device.range);
  if (device.kind === 'memory-device') return { ...device, bus };
  return { ...device, properties: [...device.properties, { key: 'bus', keyRange: device.range, value: bus.value, valueRange: device.range }] };
}
