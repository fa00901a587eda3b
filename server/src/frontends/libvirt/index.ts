import { DocumentText } from '../../model/document-text';
import type { DocumentEditor } from '../../model/edits';
import { emptyMachine, type FrontendResult, type MachineModel } from '../../model/machine';
import { frontendCodes } from '../../model/codes';
import { checkMemory, type LimitsRefusal } from './checks';
import { located, MappingContext, type LibvirtOptions } from './context';
import { mapDevices } from './devices';
import { LibvirtEditor } from './editor';
import { mapMemory, readMemoryPlan } from './memory';
import { checkNumaCpus, type VcpuRefusal } from './numa-cpus';
import { attribute, descend, firstChild, readXml, textContent, type XmlElement } from './xml';

export type { LibvirtOptions } from './context';
export { readXml } from './xml';
export type { XmlDocument, XmlElement, XmlAttribute, XmlNode } from './xml';

/**
 * Reads a libvirt domain XML document (tolerant of a document being typed) into the machine model
 * QEMU would see after libvirt's translation, in libvirt's cold-start emission order.
 * `options` may name the libvirt and QEMU versions for version-dependent checks.
 */
export function parseLibvirtDomain(source: string | DocumentText, options: LibvirtOptions = {}): FrontendResult {
  const text = DocumentText.of(source);
  const document = readXml(text);
  const root = document.root;
  if (!root) return { machines: [], diagnostics: document.diagnostics, editorFor: (machine) => editorOf(text, undefined, machine) };
  if (root.name !== 'domain') {
    return {
      editorFor: (machine) => editorOf(text, undefined, machine),
      machines: [],
      diagnostics: [
        ...document.diagnostics,
        { code: frontendCodes.xmlSyntax.code, severity: 'error', message: `expected a <domain> root element, found <${root.name}>`, range: root.nameRange },
      ],
    };
  }
  const machine = emptyMachine('libvirt', root.range, root.startTagRange);
  try {
    const refusals = mapDomain(root, machine, options);
    const editor = new LibvirtEditor(text, root, machine);
    offerLimits(refusals.limits, editor);
    offerVcpus(refusals.vcpus, editor);
  } catch (error) {
    // Mapping is written for half-typed documents; if it still fails, keep what was built.
    const message = error instanceof Error ? error.message : String(error);
    machine.diagnostics.push({ code: frontendCodes.invalidValue.code, severity: 'error', message: `internal error while reading the domain: ${message}`, range: root.startTagRange });
  }
  return { machines: [machine], diagnostics: document.diagnostics, editorFor: (model) => editorOf(text, root, model) };
}

function editorOf(text: DocumentText, domain: XmlElement | undefined, machine: MachineModel): DocumentEditor {
  return new LibvirtEditor(text, domain, machine);
}

/** Maps an already-read `<domain>` element (the hot-plug plan reader builds one with the plan's devices added). */
export function mapDomainElement(domain: XmlElement, options: LibvirtOptions = {}): MachineModel {
  const machine = emptyMachine('libvirt', domain.range, domain.startTagRange);
  mapDomain(domain, machine, options);
  return machine;
}

/** libvirt's refusals that an edit answers, by the edit. */
interface FixableRefusals {
  limits: LimitsRefusal[];
  vcpus: VcpuRefusal[];
}

function mapDomain(domain: XmlElement, machine: MachineModel, options: LibvirtOptions): FixableRefusals {
  const ctx = new MappingContext(domain, machine, options);
  mapHead(ctx);
  const plan = readMemoryPlan(ctx);
  const limits = checkMemory(ctx, plan);
  const vcpus = checkNumaCpus(ctx, plan.cells, plan.numaElement);
  mapMemory(ctx, plan);
  mapDevices(ctx, plan);
  return { limits, vcpus };
}

/** libvirt's refusals for too little <maxMemory> or too few slots get the fix that writes enough. */
function offerLimits(refusals: LimitsRefusal[], editor: DocumentEditor): void {
  for (const { finding, limits } of refusals) {
    const proposed = editor.setMemoryLimits(limits);
    if (proposed) finding.fixes = [{ ...proposed, isPreferred: true, fixAll: true }];
  }
}

/** NUMA cells with more vCPUs than `<vcpu>` get the fix that raises `<vcpu>` to what the cells name. */
function offerVcpus(refusals: VcpuRefusal[], editor: LibvirtEditor): void {
  for (const { finding, vcpus } of refusals) {
    const proposed = editor.setVcpuCount(vcpus);
    if (proposed) finding.fixes = [{ ...proposed, isPreferred: true, fixAll: true }];
  }
}

/** Emulator, arch, machine type, accelerator, firmware, SMM and CPU: the parts before `-m`. */
function mapHead(ctx: MappingContext): void {
  const { domain, machine } = ctx;
  const emulator = descend(domain, 'devices', 'emulator');
  const emulatorText = emulator ? textContent(emulator) : undefined;
  if (emulatorText) machine.binary = located(emulatorText.text, emulatorText.range, 'written');

  const os = firstChild(domain, 'os');
  const osType = firstChild(os, 'type');
  const arch = attribute(osType, 'arch');
  machine.arch = arch?.value || archFromEmulator(emulatorText?.text) || 'x86_64';
  const machineAttr = attribute(osType, 'machine');
  if (machineAttr) machine.machine.type = located(machineAttr.value, machineAttr.valueRange, 'written');
  if (osType) machine.machine.ranges.push(osType.range);

  const domainType = attribute(domain, 'type');
  if (domainType) {
    const accel = domainType.value === 'qemu' ? 'tcg' : domainType.value;
    machine.accelerators.push(located(accel, domainType.valueRange, 'derived'));
    machine.machine.accel = located(accel, domainType.valueRange, 'derived');
  }

  const loader = firstChild(os, 'loader');
  const loaderText = loader ? textContent(loader) : undefined;
  const firmwareAttr = attribute(os, 'firmware');
  if (loaderText) machine.firmware.loader = located(loaderText.text, loaderText.range, 'written');
  const loaderType = attribute(loader, 'type')?.value;
  if (firmwareAttr?.value === 'efi' || loaderType === 'pflash') machine.firmware.kind = 'efi';
  else if (loader || firmwareAttr?.value === 'bios') machine.firmware.kind = 'bios';

  // libvirt writes acpi=on or acpi=off on x86: off unless <features><acpi/> (docs/facts/libvirt.md#acpi).
  if (machine.arch === 'x86_64' || machine.arch === 'i686') {
    const acpi = descend(domain, 'features', 'acpi');
    const at = acpi?.range ?? osType?.range ?? ctx.headRange;
    machine.machine.properties.push({ key: 'acpi', keyRange: at, value: acpi ? 'on' : 'off', valueRange: at });
  }

  const smm = descend(domain, 'features', 'smm');
  const smmState = attribute(smm, 'state');
  if (smmState && (smmState.value === 'on' || smmState.value === 'off')) {
    machine.machine.smm = located(smmState.value, smmState.valueRange, 'written');
  } else if (smm) {
    machine.machine.smm = located('on', smm.range, 'written');
  } else if (firmwareAttr?.value === 'efi' && /q35/.test(machine.machine.type?.value ?? '')) {
    // Firmware autoselection prefers a secure-boot build, which needs SMM.
    machine.machine.smm = located('on', firmwareAttr.valueRange, 'derived');
  } else if (attribute(loader, 'secure')?.value === 'yes') {
    machine.machine.smm = located('on', attribute(loader, 'secure')?.valueRange ?? loader?.range ?? ctx.headRange, 'derived');
  }
  if (machine.machine.smm) {
    machine.machine.properties.push({ key: 'smm', keyRange: machine.machine.smm.range, value: machine.machine.smm.value, valueRange: machine.machine.smm.range });
  }

  const cpu = firstChild(domain, 'cpu');
  if (cpu) {
    machine.cpu.range = cpu.range;
    const mode = attribute(cpu, 'mode');
    const model = firstChild(cpu, 'model');
    const modelText = model ? textContent(model) : undefined;
    if (mode && (mode.value === 'host-passthrough' || mode.value === 'maximum')) machine.cpu.model = located(mode.value === 'maximum' ? 'max' : 'host', mode.valueRange, 'derived');
    else if (modelText) machine.cpu.model = located(modelText.text, modelText.range, 'written');
    const maxphysaddr = firstChild(cpu, 'maxphysaddr');
    const physMode = attribute(maxphysaddr, 'mode');
    if (physMode?.value === 'passthrough') {
      machine.cpu.hostPhysBits = located(true, physMode.valueRange, 'derived');
      const limit = ctx.integerAttribute(maxphysaddr, 'limit');
      if (limit) machine.cpu.properties.push({ key: 'host-phys-bits-limit', keyRange: limit.range, value: limit.value, valueRange: limit.range });
    } else if (physMode?.value === 'emulate') {
      const bits = ctx.integerAttribute(maxphysaddr, 'bits');
      if (bits) machine.cpu.physBits = bits;
    }
  }
}

function archFromEmulator(path: string | undefined): string | undefined {
  const match = /qemu-system-([a-z0-9_]+)$/.exec(path ?? '');
  return match ? match[1] : undefined;
}
