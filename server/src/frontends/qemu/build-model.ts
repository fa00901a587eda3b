import type { Finding } from '../../model/findings';
import {
  emptyMachine, type Chardev, type Device, type MachineModel, type MemoryBackend, type MemoryBackendType,
  type MemoryDeviceKind, type ModelItem, type Netdev, type NetdevOption, type VhostBackendKind,
} from '../../model/machine';
import type { Range } from '../../model/range';
import { defaulted, written, type Located } from '../../model/values';
import { frontendCodes } from '../../model/codes';
import { splitOptions, type QemuOption } from './argv';
import type { Invocation } from './invocations';
import type { DocumentText } from '../../model/document-text';
import { lastEntry, readOptionProps, toProperty, wordRange, type OptionProps, type PropEntry } from './option-props';
import { harmlessOptions, impliedKeys, jsonOptions, keyvalOptions, missingInQemu10 } from './option-table';
import { PropReader } from './prop-readers';
import { checkIdsAndReferences, type IdRegistry } from './references';
import { parseConfigFile, type ConfigFileReader } from './readconfig';
import type { ShellWord } from './shell-words';

/** A word that came from a `-readconfig` file: every character points at the file's name in the document. */
function wordFromFile(text: string, from: ShellWord): ShellWord {
  return {
    text, start: from.start, end: from.end, unresolved: [], assignment: false,
    sourceStartAt: () => from.start, sourceEndAt: () => from.end,
    get starts() { return Array.from({ length: text.length }, () => from.start); },
    get ends() { return Array.from({ length: text.length }, () => from.end); },
  };
}

const backendTypes: ReadonlySet<string> = new Set(['memory-backend-ram', 'memory-backend-file', 'memory-backend-memfd', 'memory-backend-shm', 'memory-backend-epc']);
/** memfd and shm backends share their memory unless told otherwise (backends/hostmem-*.c). */
const sharedByDefault: ReadonlySet<string> = new Set(['memory-backend-memfd', 'memory-backend-shm']);

const memoryDeviceKinds: Readonly<Record<string, MemoryDeviceKind>> = {
  'pc-dimm': 'pc-dimm',
  nvdimm: 'nvdimm',
  'virtio-mem-pci': 'virtio-mem',
  'virtio-mem-ccw': 'virtio-mem',
  'virtio-mem-device': 'virtio-mem',
  'virtio-mem': 'virtio-mem',
  'virtio-pmem-pci': 'virtio-pmem',
  'virtio-pmem': 'virtio-pmem',
  'hv-balloon': 'hv-balloon',
};

const nicPattern = /^(virtio-net|e1000|i8255|ne2k|rtl8139|pcnet|vmxnet3|igb|tulip|sungem|usb-net|spapr-vlan|xen-net|lan9118|smc91c111|cadence_gem|ftgmac100|imx\.fec|xgmac|mcf_fec|open_eth|dp8393x|lance|e100)/;

function vhostBackendOfDevice(driver: string): VhostBackendKind | undefined {
  if (driver.startsWith('vhost-user-')) return 'vhost-user';
  if (/^vhost-(vsock|scsi)(-|$)/.test(driver)) return 'vhost-kernel';
  if (driver.startsWith('vhost-vdpa-device')) return 'vhost-vdpa';
  return undefined;
}

/** Builds the machine model of one invocation. Each option is built on its own: one bad option never loses the others. */
export class ModelBuilder {
  readonly model: MachineModel;
  private readonly findings: Finding[];
  private readonly reader: PropReader;
  private readonly ids: IdRegistry = { object: [], device: [], netdev: [], chardev: [] };
  /** -blockdev node names, to find the file behind `-machine pflash0=<node>`. */
  private readonly blockNodes = new Map<string, { file?: string; filename?: Located<string> }>();
  private pflashNode?: string;

  constructor(
    private readonly invocation: Invocation, private readonly lines: DocumentText, private readonly readConfig?: ConfigFileReader) {
    const command = invocation.command;
    const range = lines.rangeOf(command.start, command.end);
    const headRange = invocation.head
      ? lines.rangeOf(invocation.head.start, invocation.head.end)
      : lines.rangeOf(command.start, command.start);
    this.model = emptyMachine('qemu', range, headRange);
    this.model.arch = invocation.arch;
    if (invocation.head && invocation.binary !== undefined) this.model.binary = written(invocation.binary, headRange);
    this.findings = this.model.diagnostics;
    this.reader = new PropReader(this.findings);
  }

  build(): MachineModel {
    const options = splitOptions(this.withConfigFiles(this.invocation.args), this.lines, this.findings);
    for (const option of options) {
      try {
        this.buildOption(option);
      } catch (error) {
        // A bug of ours must not cost the user the rest of the model; keep the option visible.
        this.unmodelled(option, `internal error while reading this option: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.resolvePflash();
    checkIdsAndReferences(this.model, this.ids, this.findings);
    return this.model;
  }

  /**
   * QEMU reads a `-readconfig` file where the option stands; its sections join the command line
   * there. A file the reader does not answer for is reported (MS907), never guessed.
   */
  private withConfigFiles(args: ShellWord[]): ShellWord[] {
    const index = args.findIndex((word, i) => /^--?readconfig$/.test(word.text) && i + 1 < args.length);
    if (index < 0) return args;
    const out: ShellWord[] = [];
    for (let i = 0; i < args.length; i++) {
      out.push(args[i]);
      if (!/^--?readconfig$/.test(args[i].text) || i + 1 >= args.length) continue;
      const file = args[++i];
      out.push(file);
      out.push(...this.configWords(file));
    }
    return out;
  }

  private configWords(file: ShellWord): ShellWord[] {
    const range = this.lines.rangeOf(file.start, file.end);
    const ignored = (why: string): ShellWord[] => {
      const { code, defaultSeverity: severity } = frontendCodes.unmodelledOption;
      this.findings.push({ code, severity, range, message: `-readconfig ${file.text} is not read (${why}): the verdict ignores what it sets` });
      return [];
    };
    if (file.unresolved.length > 0) return ignored('its name is not known');
    if (this.readConfig === undefined) return ignored('no file access here');
    const read = this.readConfig(file.text);
    if ('reason' in read) return ignored(read.reason);
    const parsed = parseConfigFile(read.text);
    if (!parsed.ok) {
      const { code, defaultSeverity: severity } = frontendCodes.invalidValue;
      this.findings.push({ code, severity, range, message: `-readconfig ${file.text}:${parsed.line}: ${parsed.message}` });
      return [];
    }
    if (parsed.ignored.length > 0) ignored(`sections ${parsed.ignored.map((name) => `[${name}]`).join(', ')} are not modelled`);
    return parsed.options.flatMap((option) => [wordFromFile(`-${option.option}`, file), wordFromFile(option.value, file)]);
  }

  private range(option: QemuOption): Range {
    return this.lines.rangeOf(option.start, option.end);
  }

  private unmodelled(option: QemuOption, reason: string): void {
    const entry: MachineModel['unmodelled'][number] = { range: this.range(option), order: option.order, option: option.name === '' ? option.flag.text : `-${option.name}`, reason };
    if (option.arg) entry.value = option.arg.text;
    const missing = option.name === '' ? undefined : missingInQemu10(option.name);
    if (missing) entry.missingInQemu10 = missing;
    this.model.unmodelled.push(entry);
  }

  private props(option: QemuOption, impliedKey: string | undefined): OptionProps | undefined {
    if (!option.arg) return undefined;
    return readOptionProps(option.arg, impliedKey, keyvalOptions.has(option.name) ? 'keyval' : 'qemuopts', jsonOptions.has(option.name), option.name, this.lines, this.findings);
  }

  private item(option: QemuOption, props: OptionProps): ModelItem {
    const item: ModelItem = {
      range: this.range(option), order: option.order, syntax: props.syntax, properties: props.entries.map(toProperty) };
    // QemuOpts takes the first `id=` (a later one is ignored); JSON refuses a repeated key.
    const id = this.reader.string(props.entries.find((entry) => entry.key === 'id'));
    if (id) item.id = id;
    return item;
  }

  private buildOption(option: QemuOption): void {
    switch (option.name) {
      case '': return this.positional(option);
      case 'm': return this.buildMemory(option);
      case 'machine': case 'M': return this.buildMachine(option);
      case 'accel': return this.buildAccel(option);
      case 'enable-kvm': {
        this.model.accelerators.push(written('kvm', this.range(option)));
        return;
      }
      case 'cpu': return this.buildCpu(option);
      case 'bios': {
        if (!option.arg) return;
        this.model.firmware.loader = written(option.arg.text, wordRange(option.arg, 0, option.arg.text.length, this.lines));
        this.model.firmware.kind = 'bios';
        return;
      }
      case 'drive': return this.buildDrive(option);
      case 'blockdev': return this.buildBlockdev(option);
      case 'object': return this.buildObject(option);
      case 'numa': return this.buildNuma(option);
      case 'device': return this.buildDevice(option);
      case 'chardev': return this.buildChardev(option);
      case 'netdev': return this.buildNetdev(option, 'netdev');
      case 'nic': return this.buildNetdev(option, 'nic');
      case 'net': return this.buildNetdev(option, 'net');
      case 'global': return this.buildGlobal(option);
      case 'readconfig': {
        if (option.arg) this.model.readconfig.push(written(option.arg.text, wordRange(option.arg, 0, option.arg.text.length, this.lines)));
        return;
      }
      case 'mem-path': {
        if (option.arg) this.model.memPath = written(option.arg.text, wordRange(option.arg, 0, option.arg.text.length, this.lines));
        return;
      }
      case 'mem-prealloc': {
        this.model.memPrealloc = written(true, this.range(option));
        return;
      }
      default: {
        if (option.arg && jsonOptions.has(option.name)) this.props(option, impliedKeys[option.name]);
        return this.unmodelled(option, harmlessOptions.has(option.name) ? 'does not affect memory slots' : 'option not known to memslot');
      }
    }
  }

  /**
   * A word that is not an option: a disk image, or an unknown expansion (`"$@"`, `$EXTRA_ARGS`,
   * `"${ARGS[@]}"`) that may hold any number of options, which then go unanalysed: say so.
   */
  private positional(option: QemuOption): void {
    const hiding = option.flag.unresolved.find((expansion) => expansion.from === 0 && expansion.to === option.flag.text.length);
    if (hiding === undefined) return this.unmodelled(option, 'positional argument (a disk image)');
    const { code, defaultSeverity: severity } = frontendCodes.unresolvedExpansion;
    this.findings.push({
      code, severity, range: this.lines.rangeOf(hiding.sourceStart, hiding.sourceEnd),
      message: `${hiding.text} has no value known in this script, so the options it holds are not analysed`,
      data: { hidden: `${hiding.text} hides options` },
    });
    this.unmodelled(option, 'options hidden by an unknown shell expansion');
  }

  private buildMemory(option: QemuOption): void {
    const props = this.props(option, 'size');
    if (!props) return;
    const memory = this.model.memory;
    memory.ranges.push(this.range(option));
    const size = lastEntry(props.entries, 'size');
    const slots = lastEntry(props.entries, 'slots');
    const maxmem = lastEntry(props.entries, 'maxmem');
    // -m's size alone has the legacy default unit MiB; maxmem is plain bytes (checked against QEMU 10, docs/facts/command-line.md#sizes).
    const sizeValue = this.reader.size(size, 'memory');
    if (sizeValue) memory.size = sizeValue;
    const slotsValue = this.reader.uint(slots, 'memory');
    if (slotsValue) memory.slots = slotsValue;
    const maxmemValue = this.reader.size(maxmem, 'memory');
    if (maxmemValue) memory.maxmem = maxmemValue;
  }

  private buildMachine(option: QemuOption): void {
    const props = this.props(option, 'type');
    if (!props) return;
    const machine = this.model.machine;
    machine.ranges.push(this.range(option));
    for (const entry of props.entries) {
      machine.properties = machine.properties.filter((property) => property.key !== entry.key);
      machine.properties.push(toProperty(entry));
      switch (entry.key) {
        case 'type': { const v = this.reader.string(entry); if (v) machine.type = v; break; }
        case 'memory-backend': { const v = this.reader.string(entry); if (v) machine.memoryBackend = v; break; }
        case 'smm': { const v = this.reader.onOffAuto(entry); if (v) machine.smm = v; break; }
        case 'accel': {
          const v = this.reader.string(entry);
          if (v) {
            machine.accel = v;
            for (const name of v.value.split(':')) if (name !== '') this.model.accelerators.push(written(name, v.range));
          }
          break;
        }
        case 'pflash0': {
          const v = this.reader.string(entry);
          if (v) {
            this.model.firmware = { loader: v, kind: 'efi' };
            this.pflashNode = v.value;
          }
          break;
        }
        default: break;
      }
    }
  }

  private buildAccel(option: QemuOption): void {
    const props = this.props(option, 'accel');
    if (!props) return;
    const accel = this.reader.string(lastEntry(props.entries, 'accel'));
    if (accel) this.model.accelerators.push(accel);
  }

  private buildCpu(option: QemuOption): void {
    const props = this.props(option, 'model');
    if (!props) return;
    const cpu = this.model.cpu;
    cpu.range = this.range(option);
    // x86 feature syntax: +feature / -feature switch a feature on or off.
    const entries = props.entries.map((entry): PropEntry => {
      const sign = entry.form === 'flag' ? entry.key[0] : undefined;
      if (sign === '+' || sign === '-') return { ...entry, key: entry.key.slice(1), raw: sign === '+' ? 'on' : 'off' };
      return entry;
    });
    cpu.properties = entries.map(toProperty);
    const model = this.reader.string(lastEntry(entries, 'model'));
    if (model) cpu.model = model;
    const physBits = this.reader.uint(lastEntry(entries, 'phys-bits'));
    if (physBits) cpu.physBits = physBits;
    const hostPhysBits = this.reader.boolean(lastEntry(entries, 'host-phys-bits'));
    if (hostPhysBits) cpu.hostPhysBits = hostPhysBits;
  }

  private buildDrive(option: QemuOption): void {
    const props = this.props(option, undefined);
    if (!props) return;
    const where = lastEntry(props.entries, 'if');
    if (where?.raw === 'pflash') {
      this.model.firmware.kind = 'efi';
      const file = this.reader.string(lastEntry(props.entries, 'file'));
      if (file && this.model.firmware.loader === undefined) this.model.firmware.loader = file;
      return;
    }
    this.unmodelled(option, 'does not affect memory slots');
  }

  private buildBlockdev(option: QemuOption): void {
    const props = this.props(option, undefined);
    this.unmodelled(option, 'does not affect memory slots');
    if (!props) return;
    const nodeName = lastEntry(props.entries, 'node-name')?.raw;
    if (typeof nodeName !== 'string') return;
    const file = lastEntry(props.entries, 'file');
    const filename = lastEntry(props.entries, 'filename');
    const node: { file?: string; filename?: Located<string> } = {};
    if (typeof file?.raw === 'string') node.file = file.raw;
    if (typeof filename?.raw === 'string') node.filename = written(filename.raw, filename.valueRange);
    this.blockNodes.set(nodeName, node);
  }

  /** `-machine pflash0=<node>` names a block node; the loader is the file at the end of its chain. */
  private resolvePflash(): void {
    let name = this.pflashNode;
    for (let step = 0; name !== undefined && step < 8; step++) {
      const node = this.blockNodes.get(name);
      if (node?.filename) {
        this.model.firmware.loader = node.filename;
        return;
      }
      name = node?.file;
    }
  }

  private buildObject(option: QemuOption): void {
    const props = this.props(option, 'qom-type');
    if (!props) return this.unmodelled(option, 'could not be read');
    const type = this.reader.string(lastEntry(props.entries, 'qom-type'));
    const item = this.item(option, props);
    // A misspelt backend type (`memory-backend-memdf`) is refused for what it is, not as a missing memdev.
    const misspeltBackend = type !== undefined && !backendTypes.has(type.value) && /^memory-backend-/.test(type.value);
    if (misspeltBackend) {
      const { code, defaultSeverity: severity } = frontendCodes.invalidValue;
      this.findings.push({ code, severity, message: `Parameter 'qom-type' does not accept value '${type.value}'`, range: type.range });
    }
    if (item.id) this.ids.object.push(
      { id: item.id, isBackend: type !== undefined && (backendTypes.has(type.value) || misspeltBackend), syntax: props.syntax });
    else this.reportMissing(option, props, 'id', "Parameter 'id' is missing");
    if (!type) {
      this.reportMissing(option, props, 'qom-type', "Parameter 'qom-type' is missing");
      return this.unmodelled(option, 'object without a type');
    }
    if (!backendTypes.has(type.value)) return this.unmodelled(option, `object type '${type.value}' is not modelled`);
    const entries = props.entries;
    const backend: MemoryBackend = {
      ...item,
      kind: 'memory-backend',
      type: type as Located<MemoryBackendType>,
      share: this.reader.boolean(lastEntry(entries, 'share')) ?? defaulted(sharedByDefault.has(type.value), item.range),
    };
    const size = this.reader.size(lastEntry(entries, 'size'));
    if (size) backend.size = size;
    const memPath = this.reader.string(lastEntry(entries, 'mem-path'));
    if (memPath) backend.memPath = memPath;
    const hugetlb = this.reader.boolean(lastEntry(entries, 'hugetlb'));
    if (hugetlb) backend.hugetlb = hugetlb;
    const hugetlbSize = this.reader.size(lastEntry(entries, 'hugetlbsize'));
    if (hugetlbSize) backend.hugetlbSize = hugetlbSize;
    const prealloc = this.reader.boolean(lastEntry(entries, 'prealloc'));
    if (prealloc) backend.prealloc = prealloc;
    const reserve = this.reader.boolean(lastEntry(entries, 'reserve'));
    if (reserve) backend.reserve = reserve;
    const readonly = this.reader.boolean(lastEntry(entries, 'readonly'));
    if (readonly) backend.readonly = readonly;
    const rom = this.reader.onOffAuto(lastEntry(entries, 'rom'));
    if (rom) backend.rom = rom;
    this.model.backends.push(backend);
  }

  private reportMissing(option: QemuOption, props: OptionProps, key: string, message: string): void {
    if (lastEntry(props.entries, key) !== undefined || !option.arg) return;
    const { code, defaultSeverity: severity } = frontendCodes.syntax;
    this.findings.push({ code, severity, message, range: wordRange(option.arg, 0, option.arg.text.length, this.lines) });
  }

  private buildNuma(option: QemuOption): void {
    const props = this.props(option, 'type');
    if (!props) return;
    const type = lastEntry(props.entries, 'type');
    if (type?.raw !== 'node') return this.unmodelled(option, `-numa ${String(type?.raw ?? '')} is not modelled`);
    const node: MachineModel['numaNodes'][number] = { range: this.range(option), order: option.order, properties: props.entries.map(toProperty) };
    const nodeId = this.reader.uint(lastEntry(props.entries, 'nodeid'));
    if (nodeId) node.nodeId = nodeId;
    const memdev = this.reader.string(lastEntry(props.entries, 'memdev'));
    if (memdev) node.memdev = memdev;
    // Legacy `mem=` takes MiB when written without a suffix (numa.c fixes up suffix-less values).
    const mem = this.reader.size(lastEntry(props.entries, 'mem'), 'numa-mem');
    if (mem) node.mem = mem;
    this.model.numaNodes.push(node);
  }

  private buildDevice(option: QemuOption): void {
    const props = this.props(option, 'driver');
    if (!props) return this.unmodelled(option, 'could not be read');
    const driver = this.reader.string(lastEntry(props.entries, 'driver'));
    const item = this.item(option, props);
    if (item.id) this.ids.device.push({ id: item.id, syntax: props.syntax });
    if (!driver) {
      this.reportMissing(option, props, 'driver', "Parameter 'driver' is missing");
      return this.unmodelled(option, 'device without a driver');
    }
    this.model.devices.push(this.classifyDevice(driver, item, props.entries));
  }

  private classifyDevice(driver: Located<string>, item: ModelItem, entries: PropEntry[]): Device {
    const read = this.reader;
    const memoryKind = memoryDeviceKinds[driver.value];
    if (memoryKind !== undefined) {
      const device: Device = { ...item, kind: 'memory-device', driver, memoryKind };
      const memdev = read.string(lastEntry(entries, 'memdev'));
      if (memdev) device.memdev = memdev;
      const node = read.uint(lastEntry(entries, 'node'), 'device');
      if (node) device.node = node;
      const requestedSize = read.size(lastEntry(entries, 'requested-size'), 'device');
      if (requestedSize) device.requestedSize = requestedSize;
      const blockSize = read.size(lastEntry(entries, 'block-size'), 'device');
      if (blockSize) device.blockSize = blockSize;
      const dynamic = read.boolean(lastEntry(entries, 'dynamic-memslots'));
      if (dynamic) device.dynamicMemslots = dynamic;
      const inaccessible = read.onOffAuto(lastEntry(entries, 'unplugged-inaccessible'));
      if (inaccessible) device.unpluggedInaccessible = { ...inaccessible, value: inaccessible.value === 'auto' ? 'auto' : inaccessible.value === 'on' };
      const prealloc = read.boolean(lastEntry(entries, 'prealloc'));
      if (prealloc) device.prealloc = prealloc;
      // DIMMs call their guest-physical address `addr`; virtio memory devices call it `memaddr`.
      const addressKey = memoryKind === 'pc-dimm' || memoryKind === 'nvdimm' || memoryKind === 'hv-balloon' ? 'addr' : 'memaddr';
      const memaddr = read.uint(lastEntry(entries, addressKey), 'device');
      if (memaddr) device.memaddr = memaddr;
      if (memoryKind === 'pc-dimm' || memoryKind === 'nvdimm') {
        const slot = read.int(lastEntry(entries, 'slot'));
        if (slot) device.slot = slot;
      }
      const bus = read.string(lastEntry(entries, 'bus'));
      if (bus) device.bus = bus;
      return device;
    }
    const backend = vhostBackendOfDevice(driver.value);
    if (backend !== undefined) {
      const device: Device = { ...item, kind: 'vhost-device', driver, backend };
      const chardev = read.string(lastEntry(entries, 'chardev'));
      if (chardev) device.chardev = chardev;
      const vhostdev = read.string(lastEntry(entries, 'vhostdev'));
      if (vhostdev) device.vhostdev = vhostdev;
      return device;
    }
    if (nicPattern.test(driver.value) || lastEntry(entries, 'netdev') !== undefined) {
      const device: Device = { ...item, kind: 'net-device', driver };
      const netdev = read.string(lastEntry(entries, 'netdev'));
      if (netdev) device.netdev = netdev;
      return device;
    }
    if (driver.value.startsWith('vfio-')) {
      const device: Device = { ...item, kind: 'vfio-device', driver };
      const host = read.string(lastEntry(entries, 'host'));
      if (host) device.host = host;
      const sysfsdev = read.string(lastEntry(entries, 'sysfsdev'));
      if (sysfsdev) device.sysfsdev = sysfsdev;
      return device;
    }
    return { ...item, kind: 'generic-device', driver };
  }

  private buildChardev(option: QemuOption): void {
    const props = this.props(option, 'backend');
    if (!props) return this.unmodelled(option, 'could not be read');
    const backend = this.reader.string(lastEntry(props.entries, 'backend'));
    const item = this.item(option, props);
    if (item.id) this.ids.chardev.push({ id: item.id, syntax: props.syntax });
    else this.reportMissing(option, props, 'id', 'chardev: no id specified');
    if (!backend) return this.unmodelled(option, 'chardev without a backend');
    const chardev: Chardev = { ...item, kind: 'chardev', backend };
    const path = this.reader.string(lastEntry(props.entries, 'path'));
    if (path) chardev.path = path;
    const server = this.reader.boolean(lastEntry(props.entries, 'server'));
    if (server) chardev.server = server;
    const wait = this.reader.boolean(lastEntry(props.entries, 'wait'));
    if (wait) chardev.wait = wait;
    this.model.chardevs.push(chardev);
  }

  private buildNetdev(option: QemuOption, family: NetdevOption): void {
    const props = this.props(option, 'type');
    if (!props) return this.unmodelled(option, 'could not be read');
    const entries = props.entries;
    const type = this.reader.string(lastEntry(entries, 'type'));
    const item = this.item(option, props);
    if (item.id && family !== 'net') this.ids.netdev.push({ id: item.id, syntax: props.syntax });
    if (family === 'netdev') this.reportMissing(option, props, 'id', "Parameter 'id' is missing");
    if (!type) {
      this.reportMissing(option, props, 'type', option.name === 'netdev' ? "Parameter 'type' is missing" : `-${option.name} needs a type`);
      return this.unmodelled(option, 'network backend without a type');
    }
    const netdev: Netdev = { ...item, kind: 'netdev', option: family, type };
    const vhostOn = this.reader.boolean(lastEntry(entries, 'vhost'));
    if (vhostOn) netdev.vhostOn = vhostOn;
    const chardev = this.reader.string(lastEntry(entries, 'chardev'));
    if (chardev) netdev.chardev = chardev;
    const vhostdev = this.reader.string(lastEntry(entries, 'vhostdev'));
    if (vhostdev) netdev.vhostdev = vhostdev;
    const queues = this.reader.uint(lastEntry(entries, 'queues'));
    if (queues) netdev.queues = queues;
    if (family === 'nic' || family === 'net') {
      const model = this.reader.string(lastEntry(entries, 'model'));
      if (model) netdev.model = model;
    }
    if (type.value === 'tap') {
      // net/tap.c: vhost=on, or (without vhost=) a vhostfd(s) or vhostforce=on, starts vhost-kernel.
      const forced = lastEntry(entries, 'vhostfd') !== undefined || lastEntry(entries, 'vhostfds') !== undefined
        || ['on', 'yes', 'true', true].includes(lastEntry(entries, 'vhostforce')?.raw as string | boolean);
      if (vhostOn ? vhostOn.value : lastEntry(entries, 'vhost') === undefined && forced) netdev.vhost = 'vhost-kernel';
    } else if (type.value === 'vhost-user') {
      netdev.vhost = 'vhost-user';
    } else if (type.value === 'vhost-vdpa') {
      netdev.vhost = 'vhost-vdpa';
    }
    this.model.netdevs.push(netdev);
  }

  /** `-global driver.property=value` or `-global driver=d,property=p,value=v` (qdev_prop_register_global). */
  private buildGlobal(option: QemuOption): void {
    const word = option.arg;
    if (!word) return;
    const range = (from: number, to: number): Range => wordRange(word, from, to, this.lines);
    const short = /^([^.=]+)\.([^=]+)=/.exec(word.text);
    if (short) {
      const driverEnd = short[1].length;
      const propertyEnd = short[0].length - 1;
      this.model.globals.push({
        range: this.range(option),
        order: option.order,
        driver: written(short[1], range(0, driverEnd)),
        property: written(short[2], range(driverEnd + 1, propertyEnd)),
        value: written(word.text.slice(propertyEnd + 1), range(propertyEnd + 1, word.text.length)),
      });
      return;
    }
    const props = this.props(option, undefined);
    if (!props) return;
    const driver = this.reader.string(lastEntry(props.entries, 'driver'));
    const property = this.reader.string(lastEntry(props.entries, 'property'));
    const value = this.reader.string(lastEntry(props.entries, 'value'));
    if (!driver || !property || !value) {
      const { code, defaultSeverity: severity } = frontendCodes.syntax;
      this.findings.push({ code, severity, message: '-global expects driver.property=value or driver=D,property=P,value=V', range: range(0, word.text.length) });
      return;
    }
    this.model.globals.push({ range: this.range(option), order: option.order, driver, property, value });
  }
}
