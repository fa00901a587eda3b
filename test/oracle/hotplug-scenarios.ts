/**
 * Hot-plug plans run through real QEMU (paused, one QMP command at a time) and through
 * `memslot --hotplug` alike (test/oracle/hotplug-plans.test.ts). `vm` is a shell command line and
 * `plan` a QMP plan file's lines; `{dir}` is the scenario's private directory, where the fake
 * vhost-user back-ends named in `backends` listen (by socket file name, with the limit each reports).
 * TCG on purpose: the machine has no KVM, and the vhost and memory-device answers do not depend on it.
 */
import type { BackendLimit } from './scenarios';

export interface PlanScenario {
  name: string;
  vm: string;
  backends?: Record<string, BackendLimit>;
  plan: string[];
}

const G = 1024 ** 3;
const M = 1024 ** 2;
const BASE = 'qemu-system-x86_64 -accel tcg -nodefaults -display none -S';
/** q35, 1 GiB of shared memfd boot RAM (vhost-user maps it), 8 DIMM slots, two hot-plug ports. */
const vmBase = (slots = 8, maxmem = '64G', machine = 'q35') =>
  `${BASE} -machine ${machine},memory-backend=mem0 -m 1G,slots=${slots},maxmem=${maxmem} -object memory-backend-memfd,id=mem0,size=1G,share=on ` +
  '-device pcie-root-port,id=rp0,chassis=1 -device pcie-root-port,id=rp1,chassis=2';
const fs = (id: string, socket: string) => `-chardev socket,id=${id}-chr,path={dir}/${socket} -device vhost-user-fs-pci,id=${id},chardev=${id}-chr,tag=${id}`;
const vmem = (id: string, size: string, extra = '') =>
  `-object memory-backend-memfd,id=${id}-mem,size=${size},share=on,reserve=off -device virtio-mem-pci,id=${id},memdev=${id}-mem,dynamic-memslots=on,bus=rp0${extra}`;

const cmd = (execute: string, args?: Record<string, unknown>): string => JSON.stringify(args ? { execute, arguments: args } : { execute });
const obj = (id: string, type = 'memory-backend-memfd', size = G, extra: Record<string, unknown> = {}) => cmd('object-add', { 'qom-type': type, id, size, ...extra });
const dev = (args: Record<string, unknown>) => cmd('device_add', args);
const chr = (id: string, socket: string) => cmd('chardev-add', { id, backend: { type: 'socket', data: { addr: { type: 'unix', data: { path: `{dir}/${socket}` } }, server: false } } });
const qomSet = (path: string, value: unknown, property = 'requested-size') => cmd('qom-set', { path, property, value });
const dimm = (id: string, type = 'memory-backend-memfd', extra: Record<string, unknown> = {}) =>
  [obj(`${id}-mem`, type), dev({ driver: 'pc-dimm', id, memdev: `${id}-mem`, ...extra })];
const dimms = (count: number, type = 'memory-backend-memfd', prefix = 'd') => Array.from({ length: count }, (_, i) => dimm(`${prefix}${i}`, type)).flat();

export const planScenarios: PlanScenario[] = [
  { name: 'DIMMs until a back-end without CONFIGURE_MEM_SLOTS (8) is full', vm: `${vmBase()} ${fs('fs0', 'vu.sock')}`, backends: { 'vu.sock': 'no-configure-mem-slots' }, plan: dimms(8) },
  { name: 'DIMMs until a 32-slot back-end is full', vm: `${vmBase(40, '128G')} ${fs('fs0', 'vu.sock')}`, backends: { 'vu.sock': 32 }, plan: dimms(32) },
  { name: 'private DIMMs do not count for vhost-user', vm: `${vmBase()} ${fs('fs0', 'vu.sock')}`, backends: { 'vu.sock': 'no-configure-mem-slots' }, plan: dimms(8, 'memory-backend-ram') },
  {
    name: 'private and shared DIMMs mixed on 8 slots', vm: `${vmBase()} ${fs('fs0', 'vu.sock')}`, backends: { 'vu.sock': 'no-configure-mem-slots' },
    plan: [...dimms(4, 'memory-backend-ram', 'p'), ...dimms(4, 'memory-backend-memfd', 's')],
  },
  {
    name: 'reserved memslots of a dynamic virtio-mem count against the back-end', vm: `${vmBase(16, '64G')} ${fs('fs0', 'vu.sock')} ${vmem('vm0', '16G')}`,
    backends: { 'vu.sock': 48 }, plan: dimms(16),
  },
  {
    name: 'vhost-user-fs and vhost-user-blk device_add after a decision; 509 accepted', vm: `${vmBase()} ${vmem('vm0', '32G')}`,
    backends: { 'fs32.sock': 32, 'blk.sock': 32, 'fs509.sock': 509 },
    plan: [
      chr('fs1-chr', 'fs32.sock'), dev({ driver: 'vhost-user-fs-pci', id: 'fs1', chardev: 'fs1-chr', tag: 'fs1', bus: 'rp1' }),
      chr('blk-chr', 'blk.sock'), dev({ driver: 'vhost-user-blk-pci', id: 'blk0', chardev: 'blk-chr', bus: 'rp1' }),
      chr('fs2-chr', 'fs509.sock'), dev({ driver: 'vhost-user-fs-pci', id: 'fs2', chardev: 'fs2-chr', tag: 'fs2', bus: 'rp1' }),
    ],
  },
  {
    name: 'netdev_add vhost-user after a decision hangs; nothing after it runs', vm: `${vmBase()} ${vmem('vm0', '32G')}`, backends: { 'net.sock': 32 },
    plan: [chr('net0-chr', 'net.sock'), cmd('netdev_add', { type: 'vhost-user', id: 'net0', chardev: 'net0-chr' }), ...dimm('after')],
  },
  {
    name: 'netdev_add vhost-user before any decision, then DIMMs up to its limit', vm: vmBase(), backends: { 'net.sock': 'no-configure-mem-slots' },
    plan: [chr('net0-chr', 'net.sock'), cmd('netdev_add', { type: 'vhost-user', id: 'net0', chardev: 'net0-chr' }), ...dimms(8)],
  },
  {
    name: 'virtio-mem hot-plugged: pcie.0 refuses, a root port takes it; requested-size set', vm: vmBase(),
    plan: [
      obj('vm0-mem', 'memory-backend-memfd', 8 * G, { reserve: false }),
      dev({ driver: 'virtio-mem-pci', id: 'vm0', memdev: 'vm0-mem', 'dynamic-memslots': true }),
      dev({ driver: 'virtio-mem-pci', id: 'vm0', memdev: 'vm0-mem', 'dynamic-memslots': true, bus: 'rp0' }),
      qomSet('/machine/peripheral/vm0', 2 * G),
    ],
  },
  {
    name: 'virtio-mem hot-plugged after a 32-slot back-end, then a second back-end', vm: `${vmBase()} ${fs('fs0', 'vu.sock')}`, backends: { 'vu.sock': 32, 'b.sock': 32 },
    plan: [
      obj('vm0-mem', 'memory-backend-memfd', 16 * G, { reserve: false }),
      dev({ driver: 'virtio-mem-pci', id: 'vm0', memdev: 'vm0-mem', 'dynamic-memslots': true, bus: 'rp0' }),
      chr('fs1-chr', 'b.sock'), dev({ driver: 'vhost-user-fs-pci', id: 'fs1', chardev: 'fs1-chr', tag: 'fs1', bus: 'rp1' }),
    ],
  },
  {
    name: 'qom-set requested-size errors', vm: `${vmBase()} ${vmem('vm0', '8G')} -object memory-backend-ram,id=dm,size=1G -device pc-dimm,id=dimm0,memdev=dm`,
    plan: [
      qomSet('/machine/peripheral/vm0', 3 * M), qomSet('/machine/peripheral/vm0', 16 * G), qomSet('/machine/peripheral/vm0', '1G'),
      qomSet('/machine/peripheral/nope', 0), qomSet('/machine/peripheral/dimm0', 0), qomSet('/machine/peripheral/dimm0', 0, 'size'),
      qomSet('vm0', 2 * G),
    ],
  },
  {
    name: 'device_del virtio-mem while requested-size is not 0, then at 0, then again', vm: `${vmBase()} ${vmem('vm0', '8G', ',requested-size=1G')}`,
    plan: [cmd('device_del', { id: 'vm0' }), qomSet('/machine/peripheral/vm0', 0), cmd('device_del', { id: 'vm0' }), cmd('device_del', { id: 'vm0' })],
  },
  {
    name: 'DIMM slot conflicts', vm: vmBase(4),
    plan: [...dimm('d0'), ...dimm('d1', 'memory-backend-memfd', { slot: 0 }), dev({ driver: 'pc-dimm', id: 'd2', memdev: 'd1-mem', slot: 4 }), dev({ driver: 'pc-dimm', id: 'd2', memdev: 'd1-mem', slot: 3 })],
  },
  {
    name: 'DIMM slots run out', vm: vmBase(2), plan: dimms(3),
  },
  {
    name: 'device memory runs out', vm: vmBase(8, '3G'), plan: dimms(3),
  },
  {
    name: 'DIMM address conflicts, range and alignment', vm: vmBase(),
    plan: [
      ...dimm('d0'), obj('d1-mem'),
      dev({ driver: 'pc-dimm', id: 'd1', memdev: 'd1-mem', addr: 4 * G }), dev({ driver: 'pc-dimm', id: 'd1', memdev: 'd1-mem', addr: 4 * G + 512 * M }),
      dev({ driver: 'pc-dimm', id: 'd1', memdev: 'd1-mem', addr: 100 * G }), dev({ driver: 'pc-dimm', id: 'd1', memdev: 'd1-mem', addr: 4 * G + 123 }),
      dev({ driver: 'pc-dimm', id: 'd1', memdev: 'd1-mem', addr: 8 * G }),
    ],
  },
  {
    name: 'NVDIMM hot-plug with nvdimm=on; its unplug is refused', vm: vmBase(8, '64G', 'q35,nvdimm=on'),
    plan: [obj('nv-mem'), dev({ driver: 'nvdimm', id: 'nv0', memdev: 'nv-mem' }), cmd('device_del', { id: 'nv0' })],
  },
  {
    name: 'NVDIMM hot-plug without nvdimm=on', vm: vmBase(), plan: [obj('nv-mem'), dev({ driver: 'nvdimm', id: 'nv0', memdev: 'nv-mem' })],
  },
  {
    name: 'virtio-pmem hot-plug', vm: vmBase(),
    plan: [obj('pm-mem'), dev({ driver: 'virtio-pmem-pci', id: 'pm0', memdev: 'pm-mem' }), dev({ driver: 'virtio-pmem-pci', id: 'pm0', memdev: 'pm-mem', bus: 'rp1' })],
  },
  {
    name: 'object ids: duplicate, in use, deleted, not found', vm: vmBase(),
    plan: [obj('m1'), obj('m1'), cmd('object-del', { id: 'm1' }), cmd('object-del', { id: 'm1' }), obj('m1'), dev({ driver: 'pc-dimm', id: 'd1', memdev: 'm1' }), cmd('object-del', { id: 'm1' })],
  },
  {
    name: 'device ids and memdevs: duplicate, busy, missing', vm: vmBase(),
    plan: [...dimm('d1'), dev({ driver: 'pc-dimm', id: 'd1', memdev: 'd1-mem' }), dev({ driver: 'pc-dimm', id: 'd2', memdev: 'd1-mem' }), dev({ driver: 'pc-dimm', id: 'd3', memdev: 'nope' }), cmd('device_del', { id: 'nope' })],
  },
  {
    name: 'DIMM unplug requests leave the DIMM in place', vm: vmBase(),
    plan: [...dimm('d1'), cmd('device_del', { id: 'd1' }), cmd('device_del', { id: 'd1' }), dev({ driver: 'pc-dimm', id: 'd2', memdev: 'd1-mem' }), cmd('object-del', { id: 'd1-mem' })],
  },
  {
    name: 'chardev and netdev ids; netdev_del', vm: `${vmBase()} -chardev socket,id=n0-chr,path={dir}/n.sock -netdev vhost-user,id=n0,chardev=n0-chr`,
    backends: { 'n.sock': 8, 'n2.sock': 8 },
    plan: [
      cmd('netdev_add', { type: 'vhost-user', id: 'n0', chardev: 'n0-chr' }), chr('c2', 'n2.sock'), chr('c2', 'n2.sock'),
      cmd('netdev_del', { id: 'n0' }), cmd('netdev_del', { id: 'n0' }), cmd('netdev_add', { type: 'vhost-user', id: 'n2', chardev: 'c2' }),
    ],
  },
  {
    name: 'a vhost-user-fs hot-added before DIMMs limits them', vm: vmBase(), backends: { 'vu.sock': 'no-configure-mem-slots' },
    plan: [chr('fs0-chr', 'vu.sock'), dev({ driver: 'vhost-user-fs-pci', id: 'fs0', chardev: 'fs0-chr', tag: 'fs0', bus: 'rp1' }), ...dimms(8), cmd('query-status')],
  },
];
