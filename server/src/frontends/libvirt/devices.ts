import type { Chardev, GenericDevice, NetDevice, Netdev, VfioDevice, VhostBackendKind, VhostDevice } from '../../model/machine';
import type { Range } from '../../model/range';
import type { Located } from '../../model/values';
import { fromAttribute, located, MappingContext, parseInteger, PropertyList, yesNo } from './context';
import { shortName, type MemoryPlan } from './memory';
import { scaleToBytes, isPowerOfTwo } from './units';
import { attribute, childElements, descend, firstChild, textContent, type XmlElement } from './xml';

/**
 * The vhost, VFIO and device-RAM parts of `<devices>`, emitted in libvirt's phase order
 * (docs/facts/plug-order.md#libvirt-emission-order):
 * disks (13), filesystems (14), interfaces (15), video (17), hostdevs (19), shmem (23), vsock (24).
 */
export function mapDevices(ctx: MappingContext, plan: MemoryPlan): void {
  const devices = firstChild(ctx.domain, 'devices');
  if (!devices) return;
  const aliases = new AliasBook();
  mapDisks(ctx, plan, devices);
  mapFilesystems(ctx, plan, devices);
  const interfaceHostdevs = mapInterfaces(ctx, devices, aliases);
  mapVideos(ctx, devices);
  mapHostdevs(ctx, devices, aliases, interfaceHostdevs);
  mapShmems(ctx, devices);
  mapVsocks(ctx, devices);
}

/** `<alias name='ua-…'/>` when the user chose one, else libvirt's generated name. */
function aliasOf(element: XmlElement, generated: string): Located<string> {
  const user = attribute(firstChild(element, 'alias'), 'name');
  if (user && user.value.startsWith('ua-')) return fromAttribute(user);
  return located(generated, element.startTagRange, 'derived');
}

/** hostdev aliases are shared by `<interface type='hostdev'>` (assigned first) and `<hostdev>`. */
class AliasBook {
  hostdevNext = 0;
}

/** libvirt's per-domain requirement of shared memory for vhost-user back ends (qemuValidateDomainDefVhostUserRequireSharedMemory). */
export function hasSharedMemory(plan: MemoryPlan): boolean {
  const global = plan.backing.access?.value;
  if (plan.cells.length === 0) return global === 'shared';
  return plan.cells.every((cell) => (cell.memAccess?.value ?? global) === 'shared');
}

function requireSharedMemory(ctx: MappingContext, plan: MemoryPlan, what: string, range: Range): void {
  if (hasSharedMemory(plan)) return;
  ctx.libvirt(`unsupported configuration: '${what}' requires shared memory`, range);
}

function socketChardev(
  ctx: MappingContext, id: string, element: XmlElement, path: Located<string> | undefined, serverMode?: Located<boolean>,
  reconnect?: XmlElement): Chardev {
  const props = new PropertyList(element.range);
  props.add('id', id);
  if (path) props.add('path', path.value, path.range);
  else props.add('fd', 'passed by libvirt');
  if (serverMode?.value) props.add('server', 'on', serverMode.range);
  const timeout = attribute(reconnect, 'timeout');
  if (reconnect && yesNo(attribute(reconnect, 'enabled')) !== false) props.add('reconnect', timeout?.value ?? '0', timeout?.valueRange);
  else if (reconnect) props.add('reconnect', '0', reconnect.range);
  const chardev: Chardev = {
    kind: 'chardev',
    range: element.range,
    order: ctx.order(),
    syntax: 'qemuopts',
    id: located(id, element.startTagRange, 'derived'),
    properties: props.items,
    backend: located('socket', element.startTagRange, 'derived'),
  };
  if (path) chardev.path = path;
  if (serverMode) chardev.server = serverMode;
  ctx.machine.chardevs.push(chardev);
  return chardev;
}

function vhostDevice(
  ctx: MappingContext, element: XmlElement, driver: string, driverRange: Range, alias: Located<string>, backend: VhostBackendKind,
  chardev?: string): VhostDevice {
  const props = new PropertyList(element.range);
  props.add('driver', driver, driverRange);
  if (chardev) props.add('chardev', chardev);
  props.add('id', alias.value, alias.range);
  const device: VhostDevice = {
    kind: 'vhost-device',
    ...jsonDeviceItem(ctx, element, alias, props),
    driver: located(driver, driverRange, 'derived'),
    backend,
  };
  if (chardev) device.chardev = located(chardev, element.startTagRange, 'derived');
  ctx.machine.devices.push(device);
  return device;
}

/** What every device libvirt emits as a JSON `-device` shares: its element, plug position, alias and properties. */
function jsonDeviceItem(ctx: MappingContext, element: XmlElement, alias: Located<string>, props: PropertyList) {
  return { range: element.range, order: ctx.order(), syntax: 'json' as const, id: alias, properties: props.items };
}

function genericDevice(
  ctx: MappingContext, element: XmlElement, driver: string, driverRange: Range, alias: Located<string>,
  extra: Array<[string, string | number | boolean, Range?]>): GenericDevice {
  const props = new PropertyList(element.range);
  props.add('driver', driver, driverRange).add('id', alias.value, alias.range);
  for (const [key, value, range] of extra) props.add(key, value, range);
  const device: GenericDevice = {
    kind: 'generic-device',
    ...jsonDeviceItem(ctx, element, alias, props),
    driver: located(driver, driverRange, 'derived'),
  };
  ctx.machine.devices.push(device);
  return device;
}

/** vda → 0, vdz → 25, vdaa → 26 (virDiskNameToIndex). */
function diskIndex(dev: string): number | undefined {
  const match = /^(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)$/.exec(dev);
  if (!match) return undefined;
  let index = 0;
  for (const ch of match[1]) index = index * 26 + (ch.charCodeAt(0) - 96);
  return index - 1;
}

function mapDisks(ctx: MappingContext, plan: MemoryPlan, devices: XmlElement): void {
  for (const disk of childElements(devices, 'disk')) {
    const type = attribute(disk, 'type');
    if (type?.value !== 'vhostuser' && type?.value !== 'vhostvdpa') continue;
    const target = firstChild(disk, 'target');
    const dev = attribute(target, 'dev');
    const bus = attribute(target, 'bus')?.value ?? 'virtio';
    const index = dev ? diskIndex(dev.value) : undefined;
    const alias = aliasOf(disk, `${bus}-disk${index ?? 0}`);
    requireSharedMemory(ctx, plan, type.value, type.valueRange);
    if (type.value === 'vhostvdpa') {
      // A libblkio block driver inside QEMU, not a vhost device: its memory mapping is not bound by
      // vhost's memslot limit, so it is kept as a plain virtio-blk device.
      genericDevice(ctx, disk, 'virtio-blk-pci', type.valueRange, alias, []);
      continue;
    }
    if (bus !== 'virtio') ctx.libvirt('unsupported configuration: vhostuser disk supports only virtio bus', attribute(target, 'bus')?.valueRange ?? disk.startTagRange);
    const source = firstChild(disk, 'source');
    const pathAttr = attribute(source, 'path');
    const chardevId = `chr-vu-${alias.value}`;
    socketChardev(ctx, chardevId, disk, pathAttr ? fromAttribute(pathAttr) : undefined, undefined, firstChild(source, 'reconnect'));
    vhostDevice(ctx, disk, 'vhost-user-blk-pci', type.valueRange, alias, 'vhost-user', chardevId);
  }
}

function mapFilesystems(ctx: MappingContext, plan: MemoryPlan, devices: XmlElement): void {
  for (const [index, fs] of childElements(devices, 'filesystem').entries()) {
    const driverType = attribute(firstChild(fs, 'driver'), 'type');
    if (driverType?.value !== 'virtiofs') continue;
    const alias = aliasOf(fs, `fs${index}`);
    const socket = attribute(firstChild(fs, 'source'), 'socket');
    const readonly = firstChild(fs, 'readonly');
    if (readonly) {
      ctx.libvirt(socket ? 'unsupported configuration: virtiofs does not support read-only access' : 'unsupported configuration: virtiofs does not yet support read-only mode', readonly.range);
    }
    const accessmode = attribute(fs, 'accessmode');
    if (accessmode && accessmode.value !== 'passthrough') ctx.libvirt('unsupported configuration: virtiofs only supports passthrough accessmode', accessmode.valueRange);
    requireSharedMemory(ctx, plan, 'virtiofs', driverType.valueRange);
    // libvirt starts virtiofsd itself unless <source socket> names an external daemon's socket.
    const path = socket
      ? fromAttribute(socket)
      : located(`/var/lib/libvirt/qemu/domain-${shortName(ctx)}/${alias.value}-fs.sock`, driverType.valueRange, 'derived');
    const chardevId = `chr-vu-${alias.value}`;
    socketChardev(ctx, chardevId, fs, path);
    vhostDevice(ctx, fs, 'vhost-user-fs-pci', driverType.valueRange, alias, 'vhost-user', chardevId);
  }
}

const tapTypes = new Set(['network', 'bridge', 'direct', 'ethernet']);
const netDrivers: Record<string, string> = { virtio: 'virtio-net-pci', 'virtio-transitional': 'virtio-net-pci-transitional', 'virtio-non-transitional': 'virtio-net-pci-non-transitional' };

function mapInterfaces(ctx: MappingContext, devices: XmlElement, aliases: AliasBook): XmlElement[] {
  const hostdevs: XmlElement[] = [];
  for (const [index, nic] of childElements(devices, 'interface').entries()) {
    const type = attribute(nic, 'type');
    if (!type) continue;
    if (type.value === 'hostdev') {
      hostdevs.push(nic);
      continue;
    }
    const alias = aliasOf(nic, `net${index}`);
    const netdevId = `host${alias.value}`;
    const modelAttr = attribute(firstChild(nic, 'model'), 'type');
    const model = modelAttr?.value ?? (type.value === 'vhostuser' || type.value === 'vdpa' ? 'virtio' : 'rtl8139');
    const isVirtio = model.startsWith('virtio');
    const driverElement = firstChild(nic, 'driver');
    const driverName = attribute(driverElement, 'name');
    const queues = ctx.integerAttribute(driverElement, 'queues');
    const mac = attribute(firstChild(nic, 'mac'), 'address');
    const source = firstChild(nic, 'source');
    const netdevProps = new PropertyList(nic.range);
    const netdev: Netdev = {
      kind: 'netdev',
      range: nic.range,
      order: 0,
      syntax: 'json',
      id: located(netdevId, nic.startTagRange, 'derived'),
      properties: netdevProps.items,
      option: 'netdev',
      type: located('tap', type.valueRange, 'derived'),
      displayName: alias.value,
    };
    if (queues && queues.value > 1) netdev.queues = queues;

    if (type.value === 'vhostuser') {
      if (!isVirtio) {
        ctx.libvirt("unsupported configuration: Wrong or no <model> 'type' attribute specified with <interface type='vhostuser'/>. vhostuser requires the virtio-net* frontend", modelAttr?.valueRange ?? nic.startTagRange);
      }
      const backendTap = attribute(firstChild(nic, 'backend'), 'tap');
      if (backendTap) {
        ctx.libvirt(`unsupported configuration: interface ${mac?.value ?? alias.value} - custom tap device path is not supported for network interfaces of type vhostuser`, backendTap.valueRange);
      }
      const path = attribute(source, 'path');
      const mode = attribute(source, 'mode');
      const reconnect = firstChild(source, 'reconnect');
      if (mode?.value === 'server' && reconnect) {
        ctx.libvirt("unsupported configuration: 'reconnect' attribute unsupported 'server' mode for <interface type='vhostuser'>", reconnect.range);
      }
      const chardevId = `char${alias.value}`;
      socketChardev(ctx, chardevId, nic, path ? fromAttribute(path) : undefined, mode ? located(mode.value === 'server', mode.valueRange, 'written') : undefined, reconnect);
      netdev.type = located('vhost-user', type.valueRange, 'derived');
      netdev.vhost = 'vhost-user';
      netdev.chardev = located(chardevId, nic.startTagRange, 'derived');
      netdevProps.add('type', 'vhost-user', type.valueRange).add('chardev', chardevId);
    } else if (type.value === 'vdpa') {
      const dev = attribute(source, 'dev');
      netdev.type = located('vhost-vdpa', type.valueRange, 'derived');
      netdev.vhost = 'vhost-vdpa';
      if (dev) netdev.vhostdev = fromAttribute(dev);
      netdevProps.add('type', 'vhost-vdpa', type.valueRange).add('vhostdev', dev?.value, dev?.valueRange);
    } else if (tapTypes.has(type.value)) {
      netdevProps.add('type', 'tap', type.valueRange);
      // Kernel vhost-net for every virtio NIC on KVM unless <driver name='qemu'> (qemuInterfaceOpenVhostNet).
      const kvm = attribute(ctx.domain, 'type')?.value !== 'qemu';
      const wantsVhost = isVirtio && driverName?.value !== 'qemu' && (kvm || driverName?.value === 'vhost');
      if (wantsVhost) {
        netdev.vhost = 'vhost-kernel';
        netdev.vhostOn = located(true, driverName?.valueRange ?? nic.startTagRange, driverName ? 'derived' : 'default');
        netdevProps.add('vhost', true, driverName?.valueRange);
      }
    } else if (type.value === 'user') {
      netdev.type = located('user', type.valueRange, 'derived');
      netdevProps.add('type', 'user', type.valueRange);
    } else if (['server', 'client', 'mcast', 'udp'].includes(type.value)) {
      netdev.type = located('socket', type.valueRange, 'derived');
      netdevProps.add('type', 'socket', type.valueRange);
    } else {
      ctx.machine.unmodelled.push({ range: nic.range, order: ctx.order(), option: 'interface', value: type.value, reason: `interface type '${type.value}' is not modelled` });
      continue;
    }
    if (queues && queues.value > 1 && (type.value === 'vhostuser' || type.value === 'vdpa')) netdevProps.add('queues', queues.value, queues.range);
    netdevProps.add('id', netdevId);
    netdev.order = ctx.order();
    ctx.machine.netdevs.push(netdev);

    const driver = netDrivers[model] ?? model;
    const deviceProps = new PropertyList(nic.range);
    deviceProps.add('driver', driver, modelAttr?.valueRange).add('netdev', netdevId).add('id', alias.value, alias.range).add('mac', mac?.value, mac?.valueRange);
    const device: NetDevice = {
      kind: 'net-device',
      ...jsonDeviceItem(ctx, nic, alias, deviceProps),
      driver: located(driver, modelAttr?.valueRange ?? nic.startTagRange, modelAttr ? 'derived' : 'default'),
      netdev: located(netdevId, nic.startTagRange, 'derived'),
    };
    ctx.machine.devices.push(device);
  }
  return hostdevs;
}

function mapVideos(ctx: MappingContext, devices: XmlElement): void {
  for (const [index, video] of childElements(devices, 'video').entries()) {
    const model = firstChild(video, 'model');
    const modelType = attribute(model, 'type');
    const type = modelType?.value ?? 'vga';
    if (type === 'none') continue;
    const alias = aliasOf(video, `video${index}`);
    const primary = index === 0;
    const driverRange = modelType?.valueRange ?? video.startTagRange;
    if (attribute(firstChild(video, 'driver'), 'name')?.value === 'vhostuser') {
      const driver = primary ? 'vhost-user-vga' : 'vhost-user-gpu-pci';
      const chardevId = `chr-vu-${alias.value}`;
      // libvirt starts vhost-user-gpu itself and hands QEMU a connected socket fd.
      socketChardev(ctx, chardevId, video, undefined);
      vhostDevice(ctx, video, driver, driverRange, alias, 'vhost-user', chardevId);
      continue;
    }
    const drivers: Record<string, [string, string]> = {
      virtio: ['virtio-vga', 'virtio-gpu-pci'], qxl: ['qxl-vga', 'qxl'], vga: ['VGA', 'VGA'], cirrus: ['cirrus-vga', 'cirrus-vga'],
      bochs: ['bochs-display', 'bochs-display'], ramfb: ['ramfb', 'ramfb'], vmvga: ['vmware-svga', 'vmware-svga'],
    };
    const pair = drivers[type];
    if (!pair) continue;
    const extra: Array<[string, number, Range?]> = [];
    const kib = (name: string): { value: number; range: Range } | undefined => {
      const attr = attribute(model, name);
      const value = attr ? parseInteger(attr.value) : undefined;
      return attr && value !== undefined ? { value, range: attr.valueRange } : undefined;
    };
    const ram = kib('ram');
    const vram = kib('vram');
    const vram64 = kib('vram64');
    const vgamem = kib('vgamem');
    if (type === 'qxl') {
      if (ram) extra.push(['ram_size', ram.value * 1024, ram.range]);
      if (vram) extra.push(['vram_size', vram.value * 1024, vram.range]);
      if (vram64) extra.push(['vram64_size_mb', vram64.value / 1024, vram64.range]);
      if (vgamem) extra.push(['vgamem_mb', vgamem.value / 1024, vgamem.range]);
    } else if (type === 'bochs' && vram) extra.push(['vgamem', vram.value * 1024, vram.range]);
    else if ((type === 'vga' || type === 'vmvga') && vgamem) extra.push(['vgamem_mb', vgamem.value / 1024, vgamem.range]);
    genericDevice(ctx, video, primary ? pair[0] : pair[1], driverRange, alias, extra);
  }
}

function pciHostAddress(address: XmlElement | undefined): Located<string> | undefined {
  if (!address) return undefined;
  const part = (name: string, width: number): string | undefined => {
    const attr = attribute(address, name);
    const value = attr ? parseInteger(attr.value) : undefined;
    return value === undefined ? (name === 'domain' ? '0'.padStart(width, '0') : undefined) : value.toString(16).padStart(width, '0');
  };
  const domain = part('domain', 4);
  const bus = part('bus', 2);
  const slot = part('slot', 2);
  const fn = part('function', 1);
  if (domain === undefined || bus === undefined || slot === undefined || fn === undefined) return undefined;
  return located(`${domain}:${bus}:${slot}.${fn}`, address.range, 'derived');
}

function mapHostdevs(ctx: MappingContext, devices: XmlElement, aliases: AliasBook, interfaceHostdevs: XmlElement[]): void {
  const all = [...interfaceHostdevs, ...childElements(devices, 'hostdev')];
  for (const hostdev of all) {
    const alias = aliasOf(hostdev, `hostdev${aliases.hostdevNext++}`);
    const isInterface = hostdev.name === 'interface';
    const type = isInterface ? 'pci' : attribute(hostdev, 'type')?.value;
    const typeRange = attribute(hostdev, 'type')?.valueRange ?? hostdev.startTagRange;
    const source = firstChild(hostdev, 'source');
    if (type === 'pci') {
      const display = yesNo(attribute(hostdev, 'display')) === true;
      const driver = display ? 'vfio-pci-nohotplug' : 'vfio-pci';
      const host = pciHostAddress(firstChild(source, 'address'));
      const props = new PropertyList(hostdev.range);
      props.add('driver', driver, typeRange).add('host', host?.value, host?.range).add('id', alias.value, alias.range);
      const device: VfioDevice = {
        kind: 'vfio-device', ...jsonDeviceItem(ctx, hostdev, alias, props),
        driver: located(driver, typeRange, 'derived'),
      };
      if (host) device.host = host;
      ctx.machine.devices.push(device);
    } else if (type === 'mdev') {
      const uuid = attribute(firstChild(source, 'address'), 'uuid');
      const props = new PropertyList(hostdev.range);
      const sysfsdev = uuid ? located(`/sys/bus/mdev/devices/${uuid.value}`, uuid.valueRange, 'derived') : undefined;
      props.add('driver', 'vfio-pci', typeRange).add('id', alias.value, alias.range).add('sysfsdev', sysfsdev?.value, sysfsdev?.range);
      const device: VfioDevice = {
        kind: 'vfio-device', ...jsonDeviceItem(ctx, hostdev, alias, props),
        driver: located('vfio-pci', typeRange, 'derived'),
      };
      if (sysfsdev) device.sysfsdev = sysfsdev;
      ctx.machine.devices.push(device);
    } else if (type === 'scsi_host') {
      vhostDevice(ctx, hostdev, 'vhost-scsi-pci', typeRange, alias, 'vhost-kernel');
    } else {
      ctx.machine.unmodelled.push({ range: hostdev.range, order: ctx.order(), option: 'hostdev', value: type, reason: `hostdev type '${type ?? ''}' is not modelled` });
    }
  }
}

function mapShmems(ctx: MappingContext, devices: XmlElement): void {
  for (const [index, shmem] of childElements(devices, 'shmem').entries()) {
    const name = attribute(shmem, 'name');
    const alias = aliasOf(shmem, `shmem${index}`);
    const modelType = attribute(firstChild(shmem, 'model'), 'type');
    const model = modelType?.value ?? 'ivshmem-plain';
    const sizeElement = firstChild(shmem, 'size');
    let bytes = 4 * 1024 * 1024;
    let sizeRange: Range = shmem.startTagRange;
    let sizeOrigin: 'written' | 'default' = 'default';
    const content = sizeElement ? textContent(sizeElement) : undefined;
    if (sizeElement && content) {
      const scaled = scaleToBytes(content.text, attribute(sizeElement, 'unit')?.value, 'b');
      if (!scaled.ok) {
        ctx.invalid(`<size>: ${scaled.message}`, content.range);
        continue;
      }
      bytes = scaled.bytes;
      sizeRange = content.range;
      sizeOrigin = 'written';
      if (!isPowerOfTwo(bytes) || bytes < 1024 * 1024) {
        ctx.libvirt('XML error: shmem size must be a power of 2 and at least 1 MiB (1024 KiB)', sizeElement.range);
        continue;
      }
    }
    const driverRange = modelType?.valueRange ?? shmem.startTagRange;
    if (model === 'ivshmem-doorbell') {
      const server = firstChild(shmem, 'server');
      const path = attribute(server, 'path');
      const chardevId = `char${alias.value}`;
      socketChardev(ctx, chardevId, shmem, path ? fromAttribute(path) : located(`/var/lib/libvirt/shmem-${name?.value ?? alias.value}-sock`, shmem.startTagRange, 'default'));
      genericDevice(ctx, shmem, 'ivshmem-doorbell', driverRange, alias, [['chardev', chardevId]]);
      continue;
    }
    if (model !== 'ivshmem-plain') continue;
    const backendId = `shmmem-${alias.value}`;
    const props = new PropertyList(shmem.range);
    const memPath = `/dev/shm/${name?.value ?? alias.value}`;
    props.add('qom-type', 'memory-backend-file').add('id', backendId).add('mem-path', memPath, name?.valueRange).add('size', bytes, sizeRange).add('share', true);
    ctx.machine.backends.push({
      kind: 'memory-backend', range: shmem.range, order: ctx.order(), syntax: 'json',
      id: located(backendId, shmem.startTagRange, 'derived'), properties: props.items,
      type: located('memory-backend-file', driverRange, 'derived'),
      size: located(bytes, sizeRange, sizeOrigin),
      share: located(true, shmem.startTagRange, 'derived'),
      memPath: located(memPath, name?.valueRange ?? shmem.startTagRange, 'derived'),
    });
    genericDevice(ctx, shmem, 'ivshmem-plain', driverRange, alias, [['memdev', backendId]]);
  }
}

function mapVsocks(ctx: MappingContext, devices: XmlElement): void {
  for (const vsock of childElements(devices, 'vsock')) {
    const alias = aliasOf(vsock, 'vsock0');
    const cid = descend(vsock, 'cid');
    const address = attribute(cid, 'address');
    const device = vhostDevice(ctx, vsock, 'vhost-vsock-pci', attribute(vsock, 'model')?.valueRange ?? vsock.startTagRange, alias, 'vhost-kernel');
    if (address && yesNo(attribute(cid, 'auto')) !== true) device.properties.push({ key: 'guest-cid', keyRange: address.valueRange, value: Number(address.value), valueRange: address.valueRange });
  }
}
