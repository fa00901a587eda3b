import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import type { MachineModel } from '../../server/src/model/machine';
import { GiB, MiB } from '../../server/src/model/sizes';
import { rangeOf } from './qemu-test-helpers';

function one(text: string, kind: 'shell' | 'args' = 'shell'): MachineModel {
  const result = parseQemuDocument(text, kind);
  assert.equal(result.machines.length, 1, 'expected one invocation');
  return result.machines[0];
}

test('-m: size defaults to MiB, maxmem does not; repeats merge, last wins', () => {
  const m = one('qemu-system-x86_64 -m 4096 -m slots=4,maxmem=8192 -m size=2G');
  assert.equal(m.memory.size?.value, 2 * GiB);
  assert.equal(m.memory.slots?.value, 4);
  assert.equal(m.memory.maxmem?.value, 8192);
  assert.equal(m.memory.ranges.length, 3);
  assert.equal(one('qemu-system-x86_64 -m 4096').memory.size?.value, 4 * GiB);
  assert.equal(one('qemu-system-x86_64 -m 4G,slots=8,maxmem=64G').memory.maxmem?.value, 64 * GiB);
});

test('binary, arch, head and whole ranges', () => {
  const text = 'set -e\nsudo -E taskset -c 0-3 /usr/local/bin/qemu-system-aarch64 -M virt \\\n  -m 1G\necho ok';
  const m = one(text);
  assert.equal(m.arch, 'aarch64');
  assert.equal(m.binary?.value, '/usr/local/bin/qemu-system-aarch64');
  assert.deepEqual(m.headRange, rangeOf(text, '/usr/local/bin/qemu-system-aarch64'));
  assert.deepEqual(m.range, { start: { line: 1, character: 0 }, end: { line: 2, character: 7 } });
  assert.equal(m.machine.type?.value, 'virt');
});

test('invocations through exec, env, a variable holding the binary; other commands ignored', () => {
  const text = [
    'QEMU=/usr/bin/qemu-system-s390x',
    'echo qemu-system-x86_64 -m 1G',
    '$QEMU -m 1G',
    'exec env FOO=1 qemu-system-ppc64 -m 2G',
    'LC_ALL=C qemu-system-riscv64 -m 3G',
  ].join('\n');
  const result = parseQemuDocument(text, 'shell');
  assert.deepEqual(result.machines.map((m) => [m.arch, m.memory.size?.value]), [['s390x', GiB], ['ppc64', 2 * GiB], ['riscv64', 3 * GiB]]);
});

test('an argument file without a binary is one option list', () => {
  const text = '# my options\n-m 2G\n-object memory-backend-memfd,id=m0,size=2G\n-machine q35,memory-backend=m0\n';
  const m = one(text, 'args');
  assert.equal(m.binary, undefined);
  assert.equal(m.memory.size?.value, 2 * GiB);
  assert.equal(m.machine.memoryBackend?.value, 'm0');
  assert.deepEqual(m.diagnostics, []);
  assert.deepEqual(parseQemuDocument(text, 'shell').machines, []);
});

test('options without an argument do not eat the next word', () => {
  const m = one('qemu-system-x86_64 -S -nographic -nodefaults -no-user-config -enable-kvm -m 1G -snapshot -mem-prealloc -daemonize');
  assert.equal(m.memory.size?.value, GiB);
  assert.deepEqual(m.accelerators.map((a) => a.value), ['kvm']);
  assert.equal(m.memPrealloc?.value, true);
  assert.deepEqual(m.diagnostics, []);
});

test('-machine merges across repeats; smm, memory-backend, accel; -accel', () => {
  const text = 'qemu-system-x86_64 -machine q35,smm=on -M smm=off,memory-backend=pc.ram,accel=kvm:tcg -accel kvm -object memory-backend-ram,id=pc.ram,size=1G';
  const m = one(text);
  assert.equal(m.machine.type?.value, 'q35');
  assert.equal(m.machine.smm?.value, 'off');
  assert.deepEqual(m.machine.smm?.range, rangeOf(text, 'off'));
  assert.equal(m.machine.memoryBackend?.value, 'pc.ram');
  assert.equal(m.machine.accel?.value, 'kvm:tcg');
  assert.deepEqual(m.accelerators.map((a) => a.value), ['kvm', 'tcg', 'kvm']);
  assert.deepEqual(m.machine.properties.map((p) => [p.key, p.value]), [['type', 'q35'], ['smm', 'off'], ['memory-backend', 'pc.ram'], ['accel', 'kvm:tcg']]);
  assert.equal(m.machine.ranges.length, 2);
  assert.deepEqual(m.diagnostics, []);
});

test('-cpu model, phys-bits, host-phys-bits and +feature', () => {
  const m = one('qemu-system-x86_64 -cpu host,phys-bits=40,host-phys-bits=on,+avx2,-x2apic');
  assert.equal(m.cpu.model?.value, 'host');
  assert.equal(m.cpu.physBits?.value, 40);
  assert.equal(m.cpu.hostPhysBits?.value, true);
  assert.deepEqual(m.cpu.properties.slice(3).map((p) => [p.key, p.value]), [['avx2', 'on'], ['x2apic', 'off']]);
});

test('firmware from -bios or a pflash drive', () => {
  assert.deepEqual(one('qemu-system-x86_64 -bios /usr/share/seabios/bios.bin').firmware.kind, 'bios');
  const m = one('qemu-system-x86_64 -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd -drive file=disk.img');
  assert.equal(m.firmware.kind, 'efi');
  assert.equal(m.firmware.loader?.value, '/usr/share/OVMF/OVMF_CODE.fd');
  assert.deepEqual(m.unmodelled.map((u) => u.option), ['-drive']);
});

test('firmware from -machine pflash0 through the -blockdev chain', () => {
  const text = [
    'qemu-system-x86_64',
    `-blockdev '{"driver":"file","filename":"/usr/share/OVMF/OVMF_CODE.fd","node-name":"fw-storage","read-only":true}'`,
    `-blockdev '{"node-name":"fw-format","read-only":true,"driver":"raw","file":"fw-storage"}'`,
    '-machine q35,pflash0=fw-format',
  ].join(' ');
  const m = one(text);
  assert.equal(m.firmware.kind, 'efi');
  assert.equal(m.firmware.loader?.value, '/usr/share/OVMF/OVMF_CODE.fd');
  assert.deepEqual(m.firmware.loader?.range, rangeOf(text, '"/usr/share/OVMF/OVMF_CODE.fd"'));
});

test('memory backends: typed properties and the share default per type', () => {
  const text = [
    'qemu-system-x86_64',
    '-object memory-backend-ram,id=r,size=1G',
    '-object memory-backend-memfd,id=f,size=512M,hugetlb=on,hugetlbsize=2M,prealloc=yes,reserve=off',
    '-object memory-backend-memfd,id=g,size=1G,share=off',
    `-object '{"qom-type":"memory-backend-file","id":"h","mem-path":"/dev/hugepages","size":1073741824,"share":true}'`,
    '-object secret,id=s0,data=x',
  ].join(' ');
  const m = one(text);
  assert.deepEqual(m.backends.map((b) => [b.id?.value, b.type.value, b.size?.value, b.share.value, b.share.origin]), [
    ['r', 'memory-backend-ram', GiB, false, 'default'],
    ['f', 'memory-backend-memfd', 512 * MiB, true, 'default'],
    ['g', 'memory-backend-memfd', GiB, false, 'written'],
    ['h', 'memory-backend-file', GiB, true, 'written'],
  ]);
  const f = m.backends[1];
  assert.deepEqual([f.hugetlb?.value, f.hugetlbSize?.value, f.prealloc?.value, f.reserve?.value], [true, 2 * MiB, true, false]);
  assert.equal(m.backends[3].memPath?.value, '/dev/hugepages');
  assert.equal(m.backends[3].syntax, 'json');
  assert.deepEqual(m.backends[3].size?.range, rangeOf(text, '1073741824'));
  assert.deepEqual(m.unmodelled.map((u) => [u.option, u.value]), [['-object', 'secret,id=s0,data=x']]);
  assert.deepEqual(m.diagnostics, []);
});

test('-numa nodes with memdev and legacy mem (MiB default)', () => {
  const m = one('qemu-system-x86_64 -object memory-backend-ram,id=m0,size=1G -numa node,nodeid=0,memdev=m0 -numa node,nodeid=1,mem=1024 -numa dist,src=0,dst=1,val=20');
  assert.deepEqual(m.numaNodes.map((n) => [n.nodeId?.value, n.memdev?.value, n.mem?.value]), [[0, 'm0', undefined], [1, undefined, GiB]]);
  assert.deepEqual(m.unmodelled.map((u) => u.option), ['-numa']);
});

test('memory devices: virtio-mem (QemuOpts and JSON), dimms, pmem, hv-balloon', () => {
  const text = [
    'qemu-system-x86_64 -m 4G,slots=4,maxmem=64G',
    '-object memory-backend-ram,id=m0,size=8G -object memory-backend-ram,id=m1,size=8G',
    '-object memory-backend-file,id=d0,size=1G,mem-path=/tmp/d0 -object memory-backend-file,id=p0,size=1G,mem-path=/tmp/p0',
    '-object memory-backend-ram,id=b0,size=1G',
    '-device virtio-mem-pci,id=vm0,memdev=m0,node=0,requested-size=1G,block-size=2M,dynamic-memslots=on,unplugged-inaccessible=auto,prealloc=off,memaddr=0x100000000,bus=root1',
    `-device '{"driver":"virtio-mem-pci","id":"vm1","memdev":"m1","requested-size":0,"dynamic-memslots":false}'`,
    '-device pc-dimm,id=dimm0,memdev=d0,addr=0x200000000 -device virtio-pmem-pci,id=pm0,memdev=p0 -device hv-balloon,id=hvb,memdev=b0',
  ].join(' \\\n');
  const m = one(text);
  assert.deepEqual(m.devices.map((d) => [d.kind, d.kind === 'memory-device' ? d.memoryKind : '', d.syntax, d.order]), [
    ['memory-device', 'virtio-mem', 'qemuopts', 6],
    ['memory-device', 'virtio-mem', 'json', 7],
    ['memory-device', 'pc-dimm', 'qemuopts', 8],
    ['memory-device', 'virtio-pmem', 'qemuopts', 9],
    ['memory-device', 'hv-balloon', 'qemuopts', 10],
  ]);
  const vm0 = m.devices[0];
  assert.ok(vm0.kind === 'memory-device');
  assert.deepEqual(
    [vm0.memdev?.value, vm0.node?.value, vm0.requestedSize?.value, vm0.blockSize?.value, vm0.dynamicMemslots?.value,
      vm0.unpluggedInaccessible?.value, vm0.prealloc?.value, vm0.memaddr?.value, vm0.bus?.value],
    ['m0', 0, GiB, 2 * MiB, true, 'auto', false, 4 * GiB, 'root1'],
  );
  assert.deepEqual(vm0.memdev?.range, rangeOf(text, 'm0', 2));
  const vm1 = m.devices[1];
  assert.ok(vm1.kind === 'memory-device');
  assert.deepEqual([vm1.requestedSize?.value, vm1.dynamicMemslots?.value, vm1.id?.value], [0, false, 'vm1']);
  assert.deepEqual(vm1.dynamicMemslots?.range, rangeOf(text, 'false'));
  const dimm = m.devices[2];
  assert.ok(dimm.kind === 'memory-device');
  assert.equal(dimm.memaddr?.value, 8 * GiB);
  assert.deepEqual(m.diagnostics, []);
});

test('vhost devices, NICs, vfio and generic devices', () => {
  const text = [
    'qemu-system-x86_64',
    '-chardev socket,id=fs0,path=/run/fs0.sock',
    '-device vhost-user-fs-pci,chardev=fs0,tag=myfs',
    '-device vhost-vsock-pci,guest-cid=3',
    '-device vhost-scsi-pci,wwpn=naa.1',
    '-device vhost-vdpa-device-pci,vhostdev=/dev/vhost-vdpa-0',
    '-netdev tap,id=n0,vhost=on',
    '-device virtio-net-pci,netdev=n0,id=nic0',
    '-device vfio-pci,host=0000:01:00.0',
    '-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/x',
    '-device qxl-vga,id=video0',
  ].join(' ');
  const m = one(text);
  const kinds = m.devices.map((d) => [d.kind, d.driver.value, d.kind === 'vhost-device' ? d.backend : '']);
  assert.deepEqual(kinds, [
    ['vhost-device', 'vhost-user-fs-pci', 'vhost-user'],
    ['vhost-device', 'vhost-vsock-pci', 'vhost-kernel'],
    ['vhost-device', 'vhost-scsi-pci', 'vhost-kernel'],
    ['vhost-device', 'vhost-vdpa-device-pci', 'vhost-vdpa'],
    ['net-device', 'virtio-net-pci', ''],
    ['vfio-device', 'vfio-pci', ''],
    ['vfio-device', 'vfio-pci', ''],
    ['generic-device', 'qxl-vga', ''],
  ]);
  const fs = m.devices[0];
  assert.equal(fs.kind === 'vhost-device' && fs.chardev?.value, 'fs0');
  const vdpa = m.devices[3];
  assert.equal(vdpa.kind === 'vhost-device' && vdpa.vhostdev?.value, '/dev/vhost-vdpa-0');
  const nic = m.devices[4];
  assert.equal(nic.kind === 'net-device' && nic.netdev?.value, 'n0');
  const vfio = m.devices[5];
  assert.equal(vfio.kind === 'vfio-device' && vfio.host?.value, '0000:01:00.0');
  assert.equal(m.devices[7].properties.find((p) => p.key === 'id')?.value, 'video0');
  assert.deepEqual(m.diagnostics, []);
});

test('chardevs: backend, path, server and wait (also short forms)', () => {
  const m = one('qemu-system-x86_64 -chardev socket,id=c0,path=/tmp/s,server,nowait -chardev socket,id=c1,path=/tmp/t,server=on,wait=on -chardev pty,id=c2');
  assert.deepEqual(m.chardevs.map((c) => [c.id?.value, c.backend.value, c.path?.value, c.server?.value, c.wait?.value]), [
    ['c0', 'socket', '/tmp/s', true, false],
    ['c1', 'socket', '/tmp/t', true, true],
    ['c2', 'pty', undefined, undefined, undefined],
  ]);
});

test('netdevs: tap vhost, vhost-user, vhost-vdpa, JSON, -nic and -net', () => {
  const text = [
    'qemu-system-x86_64',
    '-chardev socket,id=c0,path=/tmp/vu.sock',
    '-netdev tap,id=t0,vhost=on -netdev tap,id=t1 -netdev tap,id=t2,vhostfd=44,fd=3 -netdev tap,id=t3,vhost=off,vhostfd=4',
    '-netdev vhost-user,id=u0,chardev=c0,queues=4',
    '-netdev vhost-vdpa,id=v0,vhostdev=/dev/vhost-vdpa-0',
    `-netdev '{"type":"tap","id":"j0","vhost":true}'`,
    '-nic tap,model=virtio-net-pci,vhost=on',
    '-net nic,model=e1000 -net user',
  ].join(' ');
  const m = one(text);
  assert.deepEqual(m.netdevs.map((n) => [n.option, n.type.value, n.id?.value, n.vhost]), [
    ['netdev', 'tap', 't0', 'vhost-kernel'],
    ['netdev', 'tap', 't1', undefined],
    ['netdev', 'tap', 't2', 'vhost-kernel'],
    ['netdev', 'tap', 't3', undefined],
    ['netdev', 'vhost-user', 'u0', 'vhost-user'],
    ['netdev', 'vhost-vdpa', 'v0', 'vhost-vdpa'],
    ['netdev', 'tap', 'j0', 'vhost-kernel'],
    ['nic', 'tap', undefined, 'vhost-kernel'],
    ['net', 'nic', undefined, undefined],
    ['net', 'user', undefined, undefined],
  ]);
  const u0 = m.netdevs[4];
  assert.deepEqual([u0.chardev?.value, u0.queues?.value], ['c0', 4]);
  assert.equal(m.netdevs[5].vhostdev?.value, '/dev/vhost-vdpa-0');
  assert.equal(m.netdevs[6].syntax, 'json');
  assert.equal(m.netdevs[7].model?.value, 'virtio-net-pci');
  assert.equal(m.netdevs[0].vhostOn?.value, true);
  assert.deepEqual(m.diagnostics, []);
});

test('-global in both forms, -readconfig, -mem-path', () => {
  const text = 'qemu-system-x86_64 -global virtio-mem.dynamic-memslots=on -global driver=cfi.pflash01,property=secure,value=on -readconfig /etc/q.cfg -mem-path /dev/hugepages';
  const m = one(text);
  assert.deepEqual(m.globals.map((g) => [g.driver.value, g.property.value, g.value.value]), [
    ['virtio-mem', 'dynamic-memslots', 'on'],
    ['cfi.pflash01', 'secure', 'on'],
  ]);
  assert.deepEqual(m.globals[0].property.range, rangeOf(text, 'dynamic-memslots'));
  assert.deepEqual(m.readconfig.map((r) => r.value), ['/etc/q.cfg']);
  assert.equal(m.memPath?.value, '/dev/hugepages');
});

test('other options are kept in unmodelled quietly, with their order', () => {
  const m = one('qemu-system-x86_64 -name guest=vm1 -smp 4 -display none disk.qcow2 -m 1G -foo bar');
  assert.deepEqual(m.unmodelled.map((u) => [u.option, u.value, u.order]), [
    ['-name', 'guest=vm1', 0], ['-smp', '4', 1], ['-display', 'none', 2], ['disk.qcow2', undefined, 3], ['-foo', 'bar', 5],
  ]);
  assert.deepEqual(m.diagnostics, []);
});
