/**
 * Oracle scenarios: command lines that run through real QEMU and through our simulator alike.
 *
 * `cmd` is a shell-style command line. The harness resolves two placeholders the same way for
 * both sides: `{dir}` (the scenario's private directory, where the fake vhost-user sockets live)
 * and `{cpu}` (a KVM CPU model that starts on this host, see host-profile.ts). `backends` names the
 * fake vhost-user back-ends to start, by socket file name, with the limit each reports.
 *
 * `spec` holds what docs/facts says QEMU 10.0 does, derived by hand from its tables and formulas
 * (`ref` names the page and heading); it checks the harness observes QEMU correctly.
 * The side-by-side comparison with the simulator does not depend on it.
 */
import { existsSync } from 'node:fs';
import { addressSpaceScenarios } from './address-space-scenarios';

export type BackendLimit = number | 'no-configure-mem-slots';

export interface FakeBackendSpec {
  limit: BackendLimit;
  /** vhost-user-blk needs VHOST_USER_PROTOCOL_F_CONFIG. */
  config?: boolean;
}

export interface SpecExpectation {
  outcome: 'starts' | 'refused';
  refusedBy?: string;
  /** QEMU's message without the `qemu-system-x86_64: <option>: ` prefix (first line). */
  error?: string;
  /** virtio-mem memslot count by device id. */
  memslots?: Record<string, number>;
  /** KVM slots of address space 0 while paused, on a host without SMM (docs/facts/x86-address-space.md#before-and-after-reset). */
  kvmSlots?: number;
  /** Per hot-plug step: QEMU's error, null when it succeeds, 'hang' when it never answers. */
  hotplug?: Array<string | null | 'hang'>;
}

export interface Scenario {
  name: string;
  /** Where in the spec the behaviour is described. */
  ref: string;
  cmd: string;
  backends?: Record<string, FakeBackendSpec>;
  /** Run after start-up, paused: options as written on a command line (see hotplug.ts). */
  hotplug?: string[];
  /** How long a hot-plug step may take before it counts as a hang (default 10 s). */
  stepTimeoutMs?: number;
  spec?: SpecExpectation;
  /** Returns a reason to skip on this host, or undefined. */
  skipReason?: () => string | undefined;
  /** Files to create in `{dir}` before QEMU starts, by name: a size in bytes (sparse), or text (`{dir}` resolved). */
  files?: Record<string, number | string>;
}

const BASE = 'qemu-system-x86_64 -accel kvm -cpu {cpu} -nodefaults -display none -S';
/** q35, 4 GiB of fd-backed shared boot RAM (so vhost-user counts it), 1020 GiB for memory devices. */
const Q35_FD_1T = `${BASE} -machine q35,memory-backend=mem0 -m 4G,slots=8,maxmem=1T -object memory-backend-memfd,id=mem0,size=4G,share=on`;

const vmem = (id: string, size: string, extra = 'dynamic-memslots=on', backend = 'memory-backend-memfd', backendExtra = 'share=on,reserve=off') =>
  `-object ${backend},id=${id}-mem,size=${size},${backendExtra} -device virtio-mem-pci,id=${id},memdev=${id}-mem,${extra}`;
const vmemJson = (id: string, size: number) =>
  `-object memory-backend-memfd,id=${id}-mem,size=${size},share=on,reserve=off -device '{"driver":"virtio-mem-pci","id":"${id}","memdev":"${id}-mem","dynamic-memslots":true}'`;
const fs = (id: string, socket: string) =>
  `-chardev socket,id=${id}-chr,path={dir}/${socket} -device vhost-user-fs-pci,id=${id},chardev=${id}-chr,tag=${id}`;
const fsJson = (id: string, socket: string) =>
  `-chardev socket,id=${id}-chr,path={dir}/${socket} -device '{"driver":"vhost-user-fs-pci","id":"${id}","chardev":"${id}-chr","tag":"${id}"}'`;
const blk = (id: string, socket: string) =>
  `-chardev socket,id=${id}-chr,path={dir}/${socket} -device vhost-user-blk-pci,id=${id},chardev=${id}-chr`;
const dimm = (id: string, size = '1G', backend = 'memory-backend-memfd,share=on') => {
  const [type, ...props] = backend.split(',');
  return `-object ${[type, `id=${id}-mem`, `size=${size}`, ...props].join(',')} -device pc-dimm,id=${id},memdev=${id}-mem`;
};
const dimms = (count: number, backend?: string) =>
  Array.from({ length: count }, (_, i) => dimm(`dimm${i}`, '1G', backend)).join(' ');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const INCUS_CONFIG = `# written by the tool
[memory]
  size = "1024M"
  slots = "4"
  maxmem = "8G"

[object "mem0"]
  qom-type = "memory-backend-memfd"
  size = "1024M"
  share = "on"

[machine]
  memory-backend = "mem0"

[object "d0-mem"]
  qom-type = "memory-backend-memfd"
  size = "1G"
  share = "on"

[device "d0"]
  driver = "pc-dimm"
  memdev = "d0-mem"

[chardev "fs0-chr"]
  backend = "socket"
  path = "{dir}/vu.sock"

[device "fs0"]
  driver = "vhost-user-fs-pci"
  chardev = "fs0-chr"
  tag = "fs0"
`;
/** Kata Containers' shape: shared boot memory, its rootfs image as a read-only NVDIMM, room for DIMMs. */
const KATA = `${BASE} -machine q35,memory-backend=mem0,nvdimm=on -m 2G,slots=10,maxmem=64G -object memory-backend-memfd,id=mem0,size=2G,share=on `
  + '-object memory-backend-file,id=rootfs,mem-path={dir}/rootfs.img,size=128M,readonly=on';

/** vhost's check A (docs/facts/memslots.md#vhost-check-a), verbatim. */
const CHECK_A = 'some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots';
const checkB = (limit: number, used: number, reserved: number) =>
  `vhost backend memory slots limit (${limit}) is less than current number of used (${used}) and reserved (${reserved}) memory slots for memory devices.`;
const DYN_NEEDS_UI = "'dynamic-memslots' property set to 'on' requires 'unplugged-inaccessible' to be 'on'";

function vhostNetMissing(): string | undefined {
  if (!existsSync('/dev/vhost-net')) return '/dev/vhost-net is missing on this host (no vhost kernel module), so tap vhost=on cannot start';
  return undefined;
}

export const scenarios: Scenario[] = [
  // --- KVM slots of plain machines, paused (docs/facts/x86-address-space.md#before-and-after-reset) ---
  {
    name: 'kvm: q35 4G',
    ref: 'docs/facts/x86-address-space.md#before-and-after-reset',
    cmd: `${BASE} -M q35 -m 4G`,
    spec: { outcome: 'starts', kvmSlots: 6 },
  },
  {
    name: 'kvm: q35 1G',
    ref: 'docs/facts/x86-address-space.md#before-and-after-reset',
    cmd: `${BASE} -M q35 -m 1G`,
    spec: { outcome: 'starts', kvmSlots: 5 },
  },
  {
    name: 'kvm: pc 4G',
    ref: 'docs/facts/x86-address-space.md#before-and-after-reset',
    cmd: `${BASE} -M pc -m 4G`,
    spec: { outcome: 'starts', kvmSlots: 6 },
  },
  {
    name: 'kvm: q35 4G + 2 pc-dimms',
    ref: 'docs/facts/memory-devices.md#one-memslot-devices',
    cmd: `${BASE} -M q35 -m 4G,slots=4,maxmem=1T ${dimms(2, 'memory-backend-ram')}`,
    spec: { outcome: 'starts', kvmSlots: 8 },
  },
  {
    name: 'kvm: q35 6G on 2 NUMA memdevs', ref: 'docs/facts/x86-address-space.md#boot-slots',
    cmd: `${BASE} -M q35 -m 6G -smp 2 -object memory-backend-ram,id=n0,size=3G -object memory-backend-ram,id=n1,size=3G -numa node,nodeid=0,cpus=0,memdev=n0 -numa node,nodeid=1,cpus=1,memdev=n1`,
    spec: { outcome: 'starts' },
  },
  {
    name: 'kvm: virtio-mem dynamic-memslots=off maps one slot', ref: 'docs/facts/virtio-mem.md#mapping',
    cmd: `${BASE} -M q35 -m 4G,slots=4,maxmem=1T ${vmem('vm0', '64G', 'requested-size=1G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 1 }, kvmSlots: 7 },
  },

  // --- virtio-mem's memslot decision (docs/facts/virtio-mem.md#decision-limit, test-vectors.md T1–T5) ---
  {
    name: 'decision: 1 TiB whole space -> 256 (T1)', ref: 'docs/facts/test-vectors.md T1',
    cmd: `${BASE} -M q35 -m 4G,maxmem=1028G ${vmem('vm0', '1T', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 256 }, kvmSlots: 6 },
  },
  {
    name: 'decision: 1 TiB of 2048 GiB -> 128 (T2)', ref: 'docs/facts/test-vectors.md T2',
    cmd: `${BASE} -M q35 -m 4G,maxmem=2052G ${vmem('vm0', '1T', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 128 } },
  },
  {
    name: 'decision: 1 TiB of 4096 GiB -> 64 (T2)', ref: 'docs/facts/test-vectors.md T2',
    cmd: `${BASE} -M q35 -m 4G,maxmem=4100G ${vmem('vm0', '1T', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 64 } },
  },
  {
    name: 'decision: 10 DIMMs leave 246 (T3)', ref: 'docs/facts/test-vectors.md T3',
    cmd: `${BASE} -M q35 -m 4G,maxmem=1038G,slots=10 ${dimms(10, 'memory-backend-ram')} ${vmem('vm0', '1T', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 246 }, kvmSlots: 16 },
  },
  {
    name: 'decision: 1 GiB minimum memslot size (T4)', ref: 'docs/facts/test-vectors.md T4',
    cmd: `${BASE} -M q35 -m 1G,maxmem=65G ${vmem('vm0', '64G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 64 } },
  },
  {
    name: 'decision: 1.5 GiB -> 2 (T5)', ref: 'docs/facts/test-vectors.md T5',
    cmd: `${BASE} -M q35 -m 4G,maxmem=100G ${vmem('vm0', '1536M')}`,
    spec: { outcome: 'starts', memslots: { vm0: 2 } },
  },
  {
    name: 'decision: 1 GiB -> 1 (T5)', ref: 'docs/facts/test-vectors.md T5',
    cmd: `${BASE} -M q35 -m 4G,maxmem=100G ${vmem('vm0', '1G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 1 } },
  },
  {
    name: 'decision: 64 GiB of 1020 GiB -> 16', ref: 'docs/facts/virtio-mem.md#worked-results',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 16 }, kvmSlots: 6 },
  },
  {
    name: 'decision: 2 DIMMs then 64 GiB -> 15', ref: 'docs/facts/virtio-mem.md#worked-results',
    cmd: `${Q35_FD_1T} ${dimms(2)} ${vmem('vm0', '64G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 15 }, kvmSlots: 8 },
  },
  {
    // 256·512/1024 = 128 for the first; the second has 256−128 = 128 left and half the space left.
    name: 'decision: two 512 GiB devices share the 256 budget', ref: 'docs/facts/virtio-mem.md#decision-limit (by hand)',
    cmd: `${BASE} -M q35 -m 4G,maxmem=1028G ${vmem('vm0', '512G', undefined, 'memory-backend-ram', 'reserve=off')} ${vmem('vm1', '512G', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 128, vm1: 128 } },
  },
  {
    name: 'decision: two 64 GiB devices in 128 GiB', ref: 'docs/facts/virtio-mem.md#worked-results',
    cmd: `${BASE} -M q35 -m 4G,maxmem=132G ${vmem('vm0', '64G')} ${vmem('vm1', '64G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 64, vm1: 64 } },
  },
  {
    name: 'decision: block-size 8G rounds memslots up', ref: 'docs/facts/virtio-mem.md#worked-results',
    cmd: `${BASE} -M q35 -m 4G,maxmem=1036G ${vmem('vm0', '1T', 'dynamic-memslots=on,block-size=8G', 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 128 } },
  },
  {
    name: 'decision: TCG has only the soft limit', ref: 'docs/facts/virtio-mem.md#decision-limit',
    cmd: `${BASE.replace('-accel kvm -cpu {cpu}', '-accel tcg -cpu max,phys-bits=48')} -M q35 -m 4G,maxmem=1028G ${vmem('vm0', '1T', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 256 } },
  },

  // --- vhost check A: auto-decision then a < 509-slot back-end (docs/facts/memslots.md#vhost-check-a) ---
  {
    name: 'MS001: virtio-mem dyn then vhost-user-fs (32) is refused', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G', 'requested-size=1G,dynamic-memslots=on')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },
  {
    name: 'MS001 reversed: vhost-user-fs (32) first starts, virtio-mem takes 1', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${fs('fs0', 'vu.sock')} ${vmem('vm0', '64G', 'requested-size=1G,dynamic-memslots=on')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'starts', memslots: { vm0: 1 } },
  },
  {
    name: 'check A: back-end without CONFIGURE_MEM_SLOTS (8)', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 'no-configure-mem-slots' } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },
  {
    name: 'check A: 508 slots is still refused', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 508 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },
  {
    name: 'check A: 509 slots is safe', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 509 } },
    spec: { outcome: 'starts', memslots: { vm0: 16 } },
  },
  {
    name: 'check A: 509-slot back-end first, virtio-mem still decides 16', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${fs('fs0', 'vu.sock')} ${vmem('vm0', '64G')}`,
    backends: { 'vu.sock': { limit: 509 } },
    spec: { outcome: 'starts', memslots: { vm0: 16 } },
  },
  {
    name: 'check A: dynamic-memslots=off never restricts', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G', 'requested-size=1G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'starts', memslots: { vm0: 1 }, kvmSlots: 7 },
  },
  {
    name: 'check A: 8 GiB device decided 2 memslots -> refused', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '8G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },
  {
    name: 'check A: 4 GiB device decided 1 memslot -> starts', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '4G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'starts', memslots: { vm0: 1 } },
  },
  {
    name: 'check A: vhost-user-blk after virtio-mem (T6)', ref: 'docs/facts/test-vectors.md T6',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')} ${blk('vub0', 'blk.sock')}`,
    backends: { 'blk.sock': { limit: 32, config: true } },
    // QEMU first prints "Reconnecting after error: <msg>" a few times, then dies of <msg> itself.
    spec: { outcome: 'refused', refusedBy: 'vub0', error: CHECK_A },
  },
  {
    name: 'check A: vhost-user-blk with 509 slots (T8)', ref: 'docs/facts/test-vectors.md T8',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')} ${blk('vub0', 'blk.sock')}`,
    backends: { 'blk.sock': { limit: 509, config: true } },
    spec: { outcome: 'starts', memslots: { vm0: 16 } },
  },

  {
    name: 'global: -global virtio-mem-pci.dynamic-memslots=on', ref: 'docs/facts/command-line.md#-global',
    cmd: `${Q35_FD_1T} -global virtio-mem-pci.dynamic-memslots=on ${vmem('vm0', '64G', 'requested-size=0')}`,
    spec: { outcome: 'starts', memslots: { vm0: 16 } },
  },
  {
    name: 'global: -global virtio-mem.dynamic-memslots=on then vhost-user-fs (32)',
    ref: 'docs/facts/command-line.md#-global, memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} -global virtio-mem.dynamic-memslots=on ${vmem('vm0', '64G', 'requested-size=0')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },

  // --- plug order: netdevs before -devices, QemuOpts -devices before JSON ones (docs/facts/plug-order.md) ---
  {
    name: 'order: -netdev vhost-user written after virtio-mem is created first',
    ref: 'docs/facts/plug-order.md#netdevs-first, test-vectors.md T10',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')} -chardev socket,id=net0-chr,path={dir}/net.sock -netdev vhost-user,id=net0,chardev=net0-chr -device virtio-net-pci,id=nic0,netdev=net0`,
    backends: { 'net.sock': { limit: 32 } },
    spec: { outcome: 'starts', memslots: { vm0: 1 } },
  },
  {
    name: 'order: JSON -netdev vhost-user after virtio-mem', ref: 'docs/facts/plug-order.md#netdevs-first',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')} -chardev socket,id=net0-chr,path={dir}/net.sock -netdev '{"type":"vhost-user","id":"net0","chardev":"net0-chr"}' -device virtio-net-pci,id=nic0,netdev=net0`,
    backends: { 'net.sock': { limit: 'no-configure-mem-slots' } },
    spec: { outcome: 'starts', memslots: { vm0: 1 } },
  },
  {
    name: 'order: -device vhost-user-fs (32) vs the same back-end as a netdev', ref: 'docs/facts/plug-order.md#netdevs-first',
    cmd: `${Q35_FD_1T} -chardev socket,id=net0-chr,path={dir}/net.sock -netdev vhost-user,id=net0,chardev=net0-chr -device virtio-net-pci,id=nic0,netdev=net0 ${vmem('vm0', '64G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'net.sock': { limit: 509 }, 'vu.sock': { limit: 32 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },
  {
    name: 'order: JSON virtio-mem written first is realised after QemuOpts vhost-user-fs',
    ref: 'docs/facts/plug-order.md#json-devices-last',
    cmd: `${Q35_FD_1T} ${vmemJson('vm0', 64 * GiB)} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'starts', memslots: { vm0: 1 } },
  },
  {
    name: 'order: JSON vhost-user-fs written first is realised after QemuOpts virtio-mem',
    ref: 'docs/facts/plug-order.md#json-devices-last',
    cmd: `${Q35_FD_1T} ${fsJson('fs0', 'vu.sock')} ${vmem('vm0', '64G')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },
  {
    name: 'order: two JSON devices keep command-line order', ref: 'docs/facts/plug-order.md#json-devices-last',
    cmd: `${Q35_FD_1T} ${vmemJson('vm0', 64 * GiB)} ${fsJson('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: CHECK_A },
  },

  // --- vhost check B and the free-slot checks; fd-less RAM (docs/facts/memslots.md#vhost-check-b) ---
  {
    name: 'non-shared RAM: 7 memory-backend-ram DIMMs then vhost-user (8) starts', ref: 'docs/facts/memslots.md#vhost-sections',
    cmd: `${Q35_FD_1T} ${dimms(7, 'memory-backend-ram')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 'no-configure-mem-slots' } },
    spec: { outcome: 'starts', kvmSlots: 13 },
  },
  {
    name: 'check B: 7 memfd DIMMs then vhost-user (8)', ref: 'docs/facts/memslots.md#vhost-check-b',
    cmd: `${Q35_FD_1T} ${dimms(7)} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 'no-configure-mem-slots' } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: checkB(8, 9, 0) },
  },
  {
    name: 'vhost free slots: vhost-user (8) then 7 memfd DIMMs fails at dimm6', ref: 'docs/facts/memory-devices.md#memory-device-checks',
    cmd: `${Q35_FD_1T} ${fs('fs0', 'vu.sock')} ${dimms(7)}`,
    backends: { 'vu.sock': { limit: 'no-configure-mem-slots' } },
    spec: { outcome: 'refused', refusedBy: 'dimm6', error: 'a used vhost backend has not enough free memory slots left' },
  },
  {
    name: 'check B: 6 memfd DIMMs then vhost-user (8) passes at init', ref: 'docs/facts/memslots.md#vhost-check-b',
    cmd: `${Q35_FD_1T} ${dimms(6)} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 'no-configure-mem-slots' } },
    spec: { outcome: 'starts', kvmSlots: 12 },
  },
  {
    name: 'check B: limit 1 below fd-backed boot RAM (T11)', ref: 'docs/facts/test-vectors.md T11',
    cmd: `${Q35_FD_1T} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 1 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: checkB(1, 2, 0) },
  },
  {
    name: 'check B: an unplugged 1 GiB virtio-mem reserves its slot (T12)', ref: 'docs/facts/test-vectors.md T12',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '1G')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 1 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: checkB(1, 2, 1) },
  },
  {
    name: 'check B: a memfd DIMM counts as used (T13)', ref: 'docs/facts/test-vectors.md T13',
    cmd: `${Q35_FD_1T} ${dimm('dimm0')} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 1 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: checkB(1, 3, 0) },
  },
  {
    name: 'check B: used and reserved add up (mixed back-ends)', ref: 'docs/facts/memslots.md#vhost-check-b',
    cmd: `${Q35_FD_1T} ${fs('fs0', 'vu32.sock')} ${vmem('vm0', '64G')} ${dimms(6)} ${fs('fs1', 'vu8.sock')}`,
    backends: { 'vu32.sock': { limit: 32 }, 'vu8.sock': { limit: 'no-configure-mem-slots' } },
    spec: { outcome: 'refused', refusedBy: 'fs1', error: checkB(8, 8, 1) },
  },
  {
    name: 'check B on pc: boot RAM split at 3 GiB', ref: 'docs/facts/x86-address-space.md#before-and-after-reset',
    cmd: `${BASE} -machine pc,memory-backend=mem0 -m 4G -object memory-backend-memfd,id=mem0,size=4G,share=on ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 1 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: checkB(1, 3, 0) },
  },

  // --- dynamic-memslots preconditions on old machine types (docs/facts/virtio-mem.md#unplugged-inaccessible) ---
  {
    name: 'old machine: pc-q35-8.0 with plain RAM backend is refused (T16)', ref: 'docs/facts/test-vectors.md T16',
    cmd: `${BASE} -M pc-q35-8.0 -m 1G,maxmem=9G ${vmem('vm0', '8G', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: DYN_NEEDS_UI },
  },
  {
    name: 'old machine: pc-q35-8.0 with memfd backend starts (T16)', ref: 'docs/facts/test-vectors.md T16',
    cmd: `${BASE} -M pc-q35-8.0 -m 1G,maxmem=9G ${vmem('vm0', '8G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 8 } },
  },
  {
    name: 'old machine: pc-q35-8.1 with plain RAM backend starts (T16)', ref: 'docs/facts/test-vectors.md T16',
    cmd: `${BASE} -M pc-q35-8.1 -m 1G,maxmem=9G ${vmem('vm0', '8G', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 8 } },
  },
  {
    name: 'old machine: pc-q35-6.2 refuses even memfd (T17)', ref: 'docs/facts/test-vectors.md T17',
    cmd: `${BASE} -M pc-q35-6.2 -m 1G,maxmem=9G ${vmem('vm0', '8G')}`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: DYN_NEEDS_UI },
  },
  {
    name: 'old machine: pc-i440fx-8.0 with plain RAM backend is refused', ref: 'docs/facts/virtio-mem.md#unplugged-inaccessible',
    cmd: `${BASE} -M pc-i440fx-8.0 -m 1G,maxmem=9G ${vmem('vm0', '8G', undefined, 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: DYN_NEEDS_UI },
  },
  {
    name: 'old machine: explicit unplugged-inaccessible=on on pc-q35-6.2', ref: 'docs/facts/virtio-mem.md#unplugged-inaccessible',
    cmd: `${BASE} -M pc-q35-6.2 -m 1G,maxmem=9G ${vmem('vm0', '8G', 'dynamic-memslots=on,unplugged-inaccessible=on', 'memory-backend-ram', 'reserve=off')}`,
    spec: { outcome: 'starts', memslots: { vm0: 8 } },
  },

  // --- device-memory checks (docs/facts/memory-devices.md#memory-device-checks) ---
  {
    name: 'device memory: virtio-mem without maxmem', ref: 'docs/facts/memory-devices.md#device-memory-errors',
    cmd: `${BASE} -M q35 -m 4G ${vmem('vm0', '8G')}`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: 'the configuration is not prepared for memory devices (e.g., for memory hotplug), consider specifying the maxmem option' },
  },
  {
    name: 'device memory: pc-dimm without slots', ref: 'docs/facts/memory-devices.md#one-memslot-devices',
    cmd: `${BASE} -M q35 -m 4G,maxmem=8G ${dimm('dimm0', '1G', 'memory-backend-ram')}`,
    spec: { outcome: 'refused', refusedBy: 'dimm0', error: "no slots where allocated, please specify the 'slots' option" },
  },
  {
    name: 'device memory: not enough space', ref: 'docs/facts/memory-devices.md#memory-device-checks',
    cmd: `${BASE} -M q35 -m 4G,slots=2,maxmem=5G ${dimm('dimm0', '1G', 'memory-backend-ram')} ${dimm('dimm1', '1G', 'memory-backend-ram')}`,
    spec: { outcome: 'refused', refusedBy: 'dimm1', error: 'not enough space, currently 0x40000000 in use of total space for memory devices 0x40000000' },
  },

  // --- hot-plug while paused (docs/facts/hotplug.md#hot-plug-commands) ---
  {
    name: 'hotplug: pc-dimm on a 3-slot vhost-user back-end (T14)', ref: 'docs/facts/test-vectors.md T14',
    cmd: `${Q35_FD_1T} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 3 } },
    hotplug: [
      `-object '{"qom-type":"memory-backend-memfd","id":"hd0-mem","size":${GiB},"share":true}'`,
      `-device '{"driver":"pc-dimm","id":"hd0","memdev":"hd0-mem"}'`,
    ],
    spec: { outcome: 'starts', hotplug: [null, 'a used vhost backend has not enough free memory slots left'] },
  },
  {
    name: 'hotplug: pc-dimm fits a 4-slot vhost-user back-end', ref: 'docs/facts/memory-devices.md#memory-device-checks',
    cmd: `${Q35_FD_1T} ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 4 } },
    hotplug: [
      `-object '{"qom-type":"memory-backend-memfd","id":"hd0-mem","size":${GiB},"share":true}'`,
      `-device '{"driver":"pc-dimm","id":"hd0","memdev":"hd0-mem"}'`,
    ],
    spec: { outcome: 'starts', hotplug: [null, null], kvmSlots: 7 },
  },
  {
    name: 'hotplug: vhost-user-fs (32) after an auto-decision is refused', ref: 'docs/facts/memslots.md#vhost-check-a',
    cmd: `${Q35_FD_1T} -device pcie-root-port,id=rp0,chassis=1 ${vmem('vm0', '64G')}`,
    backends: { 'vu.sock': { limit: 32 } },
    hotplug: [
      '-chardev socket,id=fs0-chr,path={dir}/vu.sock',
      `-device '{"driver":"vhost-user-fs-pci","id":"fs0","chardev":"fs0-chr","tag":"fs0","bus":"rp0"}'`,
    ],
    spec: { outcome: 'starts', memslots: { vm0: 16 }, hotplug: [null, CHECK_A] },
  },
  {
    // QEMU retries the refused vhost-user netdev forever and netdev_add never answers (T15).
    name: 'hotplug: netdev_add vhost-user (32) after an auto-decision hangs',
    ref: 'docs/facts/hotplug.md#netdev-hot-plug-loop, test-vectors.md T15',
    cmd: `${Q35_FD_1T} ${vmem('vm0', '64G')}`,
    backends: { 'net.sock': { limit: 32 } },
    hotplug: [
      '-chardev socket,id=net0-chr,path={dir}/net.sock',
      `-netdev '{"type":"vhost-user","id":"net0","chardev":"net0-chr"}'`,
    ],
    stepTimeoutMs: 3000,
    spec: { outcome: 'starts', hotplug: [null, 'hang'] },
  },
  {
    name: 'hotplug: virtio-mem after a 32-slot vhost-user-fs decides 1', ref: 'docs/facts/hotplug.md#memory-device-hot-plug',
    cmd: `${Q35_FD_1T} -device pcie-root-port,id=rp0,chassis=1 ${fs('fs0', 'vu.sock')}`,
    backends: { 'vu.sock': { limit: 32 } },
    hotplug: [
      `-object '{"qom-type":"memory-backend-memfd","id":"vm0-mem","size":${64 * GiB},"share":true,"reserve":false}'`,
      `-device '{"driver":"virtio-mem-pci","id":"vm0","memdev":"vm0-mem","dynamic-memslots":true,"bus":"rp0"}'`,
    ],
    spec: { outcome: 'starts', memslots: { vm0: 1 }, hotplug: [null, null] },
  },

  // --- real users' inputs (issue 14): Kata's read-only rootfs NVDIMM, refusals QEMU makes early ---
  {
    // The NVDIMM is ROM: vhost leaves it out of its table (hw/virtio/vhost.c vhost_section()). With
    // 2 boot regions 6 DIMMs fit the 8-slot back-end; were the NVDIMM counted, only 5 would.
    name: 'Kata layout: read-only NVDIMM takes no vhost slot; 6 DIMMs fit an 8-slot back-end',
    ref: 'issue 14, kata-containers/runtime#2795',
    cmd: `${KATA} -device nvdimm,id=nv0,memdev=rootfs,unarmed=on ${fs('fs0', 'vu.sock')}`,
    files: { 'rootfs.img': 128 * MiB },
    backends: { 'vu.sock': { limit: 'no-configure-mem-slots' } },
    hotplug: Array.from({ length: 7 }, (_, i) => [
      `-object '{"qom-type":"memory-backend-memfd","id":"hd${i}-mem","size":${GiB},"share":true}'`,
      `-device '{"driver":"pc-dimm","id":"hd${i}","memdev":"hd${i}-mem"}'`,
    ]).flat(),
    spec: { outcome: 'starts', hotplug: [...Array.from({ length: 12 }, () => null), null, 'a used vhost backend has not enough free memory slots left'] },
  },
  {
    name: 'Kata layout: a read-only NVDIMM needs unarmed=on', ref: 'hw/mem/nvdimm.c nvdimm_prepare_memory_region()',
    cmd: `${KATA} -device nvdimm,id=nv0,memdev=rootfs`,
    files: { 'rootfs.img': 128 * MiB },
    spec: { outcome: 'refused', refusedBy: 'nv0', error: "'unarmed' property must be 'on' since memdev rootfs is read-only" },
  },
  {
    name: 'ACPI off refuses a cold-plugged DIMM', ref: 'docs/facts/memory-devices.md#acpi',
    cmd: `${BASE} -machine q35,acpi=off -m 1G,slots=2,maxmem=8G -object memory-backend-ram,id=m1,size=1G -device pc-dimm,id=d1,memdev=m1`,
    spec: { outcome: 'refused', refusedBy: 'd1', error: 'memory hotplug is not enabled: missing acpi device or acpi disabled' },
  },
  {
    name: 'ACPI off on pc: the NVDIMM is refused for ACPI before nvdimm=on is asked for', ref: 'docs/facts/memory-devices.md#acpi',
    cmd: `${BASE} -machine pc,acpi=off -m 1G,slots=2,maxmem=8G -object memory-backend-ram,id=m1,size=1G -device nvdimm,id=nv1,memdev=m1`,
    spec: { outcome: 'refused', refusedBy: 'nv1', error: 'memory hotplug is not enabled: missing acpi device or acpi disabled' },
  },
  {
    name: 'ACPI off: virtio-mem starts, a hot-plugged DIMM is refused', ref: 'docs/facts/memory-devices.md#acpi',
    cmd: `${BASE} -machine q35,acpi=off -m 1G,slots=2,maxmem=10G ${vmem('vm0', '8G', 'dynamic-memslots=off', 'memory-backend-ram', 'reserve=off')}`,
    hotplug: [`-object '{"qom-type":"memory-backend-ram","id":"h1","size":${GiB}}'`, `-device '{"driver":"pc-dimm","id":"hd1","memdev":"h1"}'`],
    spec: { outcome: 'starts', hotplug: [null, 'memory hotplug is not enabled: missing acpi device or acpi disabled'] },
  },
  {
    name: 'an option QEMU 10 removed (-no-acpi) stops it before anything else', ref: 'docs/facts/command-line.md#invalid-options',
    cmd: `${BASE} -machine q35,acpi=off -m 1G,slots=2,maxmem=8G -object memory-backend-ram,id=m1,size=1G -device pc-dimm,id=d1,memdev=m1 -no-acpi`,
    spec: { outcome: 'refused', error: 'invalid option' },
  },
  {
    name: 'an option QEMU 10 never had', ref: 'docs/facts/command-line.md#invalid-options',
    cmd: `${BASE} -machine q35 -m 1G -enable-nesting-typo`,
    spec: { outcome: 'refused', error: 'invalid option' },
  },
  {
    name: 'an NVDIMM without nvdimm=on', ref: 'docs/facts/memory-devices.md#acpi',
    cmd: `${BASE} -machine q35 -m 1G,slots=2,maxmem=8G -object memory-backend-ram,id=m1,size=1G -device nvdimm,id=nv1,memdev=m1`,
    spec: { outcome: 'refused', refusedBy: 'nv1', error: "nvdimm is not enabled: missing 'nvdimm' in '-M'" },
  },
  {
    name: 'two DIMMs on one memdev', ref: 'docs/facts/memory-devices.md#memory-device-checks',
    cmd: `${BASE} -machine q35 -m 1G,slots=2,maxmem=8G -object memory-backend-ram,id=m1,size=1G -device pc-dimm,id=d1,memdev=m1 -device pc-dimm,id=d2,memdev=m1`,
    spec: { outcome: 'refused', refusedBy: 'd2', error: "can't use already busy memdev: m1" },
  },
  {
    name: 'NUMA nodes holding less than -m', ref: 'hw/core/numa.c numa_complete_configuration()',
    cmd: `${BASE} -machine q35 -m 2G -object memory-backend-ram,id=a,size=1G -numa node,memdev=a`,
    spec: { outcome: 'refused', error: 'total memory for NUMA nodes (0x40000000) should equal RAM size (0x80000000)' },
  },
  {
    name: 'NUMA nodes adding up to -m start', ref: 'hw/core/numa.c numa_complete_configuration()',
    cmd: `${BASE} -machine q35 -m 2G -object memory-backend-ram,id=a,size=1G -object memory-backend-ram,id=b,size=1G -numa node,memdev=a -numa node,memdev=b`,
    spec: { outcome: 'starts' },
  },
  {
    name: 'a property from a virtio-fs fork (cache-size) is refused', ref: 'qdev_device_add()',
    cmd: `${Q35_FD_1T} -chardev socket,id=fs0-chr,path={dir}/vu.sock -device vhost-user-fs-pci,id=fs0,chardev=fs0-chr,tag=fs0,cache-size=2G`,
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'refused', refusedBy: 'fs0', error: "Property 'vhost-user-fs-pci.cache-size' not found" },
  },
  {
    name: 'JSON -device with a property the driver does not have', ref: 'qdev_device_add()',
    cmd: `${Q35_FD_1T} -object memory-backend-memfd,id=vm0-mem,size=1G,share=on -device '{"driver":"virtio-mem-pci","id":"vm0","memdev":"vm0-mem","bogus":1}'`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: "Property 'virtio-mem-pci.bogus' not found" },
  },
  {
    name: '-global of a property virtio-mem does not have, applied when virtio-mem-pci is created',
    ref: 'qom/object.c object_apply_global_props()',
    cmd: `${Q35_FD_1T} -global virtio-mem.x-bogus=on ${vmem('vm0', '1G', 'requested-size=0')}`,
    spec: { outcome: 'refused', refusedBy: 'vm0', error: "can't apply global virtio-mem.x-bogus=on: Property 'virtio-mem.x-bogus' not found" },
  },
  {
    name: '-global of a virtio-mem property QEMU 10 has', ref: 'qom/object.c object_apply_global_props()',
    cmd: `${Q35_FD_1T} -global virtio-mem.dynamic-memslots=on ${vmem('vm0', '64G', 'requested-size=0')}`,
    spec: { outcome: 'starts' },
  },
  {
    name: '-object (QemuOpts) with a property its type does not have', ref: 'qapi/qobject-input-visitor.c',
    cmd: `${Q35_FD_1T} -object memory-backend-ram,id=x,size=1G,type=x`,
    spec: { outcome: 'refused', refusedBy: 'x', error: "Invalid parameter 'type'" },
  },
  {
    name: '-object (JSON) with a property its type does not have', ref: 'qapi/qobject-input-visitor.c',
    cmd: `${Q35_FD_1T} -object '{"qom-type":"memory-backend-ram","id":"x","size":${GiB},"foo":1}'`,
    spec: { outcome: 'refused', refusedBy: 'x', error: "Parameter 'foo' is unexpected" },
  },
  {
    name: 'a misspelt memory backend type, even with a DIMM naming it', ref: 'qom/object_interfaces.c',
    cmd: `${Q35_FD_1T} -object memory-backend-memdf,id=x,size=1G -device pc-dimm,id=d0,memdev=x`,
    spec: { outcome: 'refused', refusedBy: 'x', error: "Parameter 'qom-type' does not accept value 'memory-backend-memdf'" },
  },

  {
    // Incus/LXD write the memory, backends, machine and devices into a config file (util/qemu-config.c).
    name: '-readconfig: an Incus-style file with boot memory, a DIMM and a vhost-user-fs device', ref: 'issue 14, -readconfig',
    cmd: `${BASE} -machine q35 -readconfig {dir}/vm.cfg`,
    files: { 'vm.cfg': INCUS_CONFIG },
    backends: { 'vu.sock': { limit: 32 } },
    spec: { outcome: 'starts' },
  },
  {
    name: '-readconfig: the vhost-user back-end too small for what the file plugs', ref: 'issue 14, -readconfig',
    cmd: `${BASE} -machine q35 -readconfig {dir}/vm.cfg`,
    files: { 'vm.cfg': INCUS_CONFIG },
    // While devices are realised, the boot RAM below 4 GiB is one region; with the DIMM that makes 2.
    backends: { 'vu.sock': { limit: 1 } },
    spec: { outcome: 'refused', error: checkB(1, 2, 0) },
  },

  // --- vhost-kernel (docs/facts/vhost-user-backends.md#vhost-kernel: max_mem_regions, 64 by default) ---
  {
    name: 'vhost-kernel: tap vhost=on then virtio-mem decides 1', ref: 'docs/facts/vhost-user-backends.md#vhost-kernel',
    cmd: `${Q35_FD_1T} -netdev tap,id=net0,vhost=on,script=no,downscript=no -device virtio-net-pci,id=nic0,netdev=net0 ${vmem('vm0', '64G')}`,
    spec: { outcome: 'starts', memslots: { vm0: 1 } },
    skipReason: vhostNetMissing,
  },
  ...addressSpaceScenarios,
];
