import type { MachineModel } from '../../server/src/model/machine';

/**
 * The facts the libvirt equivalence tests compare: memory backends, memory devices and vhost
 * consumers, in order. Read from a machine model (either front end) or, independently of the
 * project's QEMU front end, from the argv libvirt generates (its test data or `virsh
 * domxml-to-native`). Shared by test/unit/libvirt-corpus.test.ts and test/oracle/libvirt-*.test.ts.
 */

export interface BackendFacts { id: string; type: string; size: number | undefined; share: boolean }
export interface MemoryDeviceFacts {
  id: string; driver: string; size: number | undefined; memdev: string | undefined; node: number | undefined;
  requested: number | undefined; block: number | undefined; dynamicMemslots: boolean | undefined;
}
export interface VhostFacts { id: string; kind: string; socket: string | undefined }
export interface Facts { backends: BackendFacts[]; memoryDevices: MemoryDeviceFacts[]; vhost: VhostFacts[] }

export function collectFromModel(machine: MachineModel): Facts {
  const backendSize = new Map<string, number | undefined>();
  const backends: BackendFacts[] = [];
  for (const b of machine.backends) {
    if (b.implicit) continue;
    const id = b.id?.value ?? '';
    backendSize.set(id, b.size?.value);
    backends.push({ id, type: b.type.value, size: b.size?.value, share: b.share.value });
  }
  const chardevPath = new Map(machine.chardevs.map((c) => [c.id?.value ?? '', c.path?.value]));
  const memoryDevices: MemoryDeviceFacts[] = [];
  const vhostItems: Array<{ order: number; facts: VhostFacts }> = [];
  for (const d of machine.devices) {
    if (d.kind === 'memory-device') {
      memoryDevices.push({
        id: d.id?.value ?? '', driver: d.driver.value, size: d.memdev ? backendSize.get(d.memdev.value) : undefined,
        memdev: d.memdev?.value, node: d.node?.value, requested: d.requestedSize?.value, block: d.blockSize?.value,
        dynamicMemslots: d.dynamicMemslots?.value,
      });
    } else if (d.kind === 'vhost-device') {
      vhostItems.push({ order: d.order, facts: { id: d.id?.value ?? '', kind: d.backend, socket: d.chardev ? chardevPath.get(d.chardev.value) : undefined } });
    } else if (d.kind === 'vfio-device') {
      vhostItems.push({ order: d.order, facts: { id: d.id?.value ?? '', kind: 'vfio', socket: undefined } });
    }
  }
  for (const n of machine.netdevs) {
    if (!n.vhost) continue;
    const socket = n.chardev ? chardevPath.get(n.chardev.value) : n.vhostdev?.value;
    vhostItems.push({ order: n.order, facts: { id: n.id?.value ?? '', kind: n.vhost, socket } });
  }
  vhostItems.sort((a, b) => a.order - b.order);
  return { backends, memoryDevices, vhost: vhostItems.map((v) => v.facts) };
}

// ---- the independent .args reader -------------------------------------------------------------

/** Splits libvirt's test argv (one argument per line, ' \' continuations, single quotes). */
export function argsWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const joined = text.replace(/ \\\n/g, ' ');
  while (i < joined.length) {
    const ch = joined[i];
    if (ch === "'") {
      const end = joined.indexOf("'", i + 1);
      current += joined.slice(i + 1, end < 0 ? joined.length : end);
      inWord = true;
      i = end < 0 ? joined.length : end + 1;
    } else if (ch === ' ' || ch === '\n') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      i++;
    } else {
      current += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function keyval(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) map.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return map;
}

type Json = Record<string, unknown>;

export function collectFromArgs(text: string): Facts {
  const words = argsWords(text);
  const backends: BackendFacts[] = [];
  const memoryDevices: MemoryDeviceFacts[] = [];
  const vhost: VhostFacts[] = [];
  const chardevPath = new Map<string, string | undefined>();
  const sizes = new Map<string, number>();
  const memoryDrivers = new Set(['pc-dimm', 'nvdimm', 'virtio-mem-pci', 'virtio-pmem-pci']);
  for (let i = 0; i < words.length - 1; i++) {
    const flag = words[i];
    const value = words[i + 1];
    if (flag === '-chardev') {
      const opts = keyval(value.slice(value.indexOf(',') + 1));
      if (value.startsWith('socket,')) chardevPath.set(opts.get('id') ?? '', opts.get('path'));
      continue;
    }
    if (!value.startsWith('{')) continue;
    const json = JSON.parse(value) as Json;
    if (flag === '-object' && typeof json['qom-type'] === 'string' && json['qom-type'].startsWith('memory-backend-')) {
      const type = json['qom-type'];
      const id = String(json.id);
      const size = typeof json.size === 'number' ? json.size : undefined;
      if (size !== undefined) sizes.set(id, size);
      const share = typeof json.share === 'boolean' ? json.share : type === 'memory-backend-memfd';
      backends.push({ id, type, size, share });
    } else if (flag === '-device') {
      const driver = String(json.driver);
      const id = String(json.id);
      if (memoryDrivers.has(driver)) {
        const memdev = typeof json.memdev === 'string' ? json.memdev : undefined;
        memoryDevices.push({
          id, driver, size: memdev ? sizes.get(memdev) : undefined, memdev,
          node: typeof json.node === 'number' ? json.node : undefined,
          requested: typeof json['requested-size'] === 'number' ? json['requested-size'] : undefined,
          block: typeof json['block-size'] === 'number' ? json['block-size'] : undefined,
          dynamicMemslots: typeof json['dynamic-memslots'] === 'boolean' ? json['dynamic-memslots'] : undefined,
        });
      } else if (driver.startsWith('vhost-user-')) {
        vhost.push({ id, kind: 'vhost-user', socket: chardevPath.get(String(json.chardev)) });
      } else if (driver.startsWith('vhost-vsock') || driver.startsWith('vhost-scsi')) {
        vhost.push({ id, kind: 'vhost-kernel', socket: undefined });
      } else if (driver.startsWith('vfio-pci')) {
        vhost.push({ id, kind: 'vfio', socket: undefined });
      }
    } else if (flag === '-netdev') {
      const id = String(json.id);
      if (json.type === 'vhost-user') vhost.push({ id, kind: 'vhost-user', socket: chardevPath.get(String(json.chardev)) });
      else if (json.type === 'vhost-vdpa') vhost.push({ id, kind: 'vhost-vdpa', socket: String(json.vhostdev) });
      else if (json.type === 'tap' && json.vhost === true) vhost.push({ id, kind: 'vhost-kernel', socket: undefined });
    }
  }
  return { backends, memoryDevices, vhost };
}

