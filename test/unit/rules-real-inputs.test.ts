import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/analysis';
import { DocumentText } from '../../server/src/model/document-text';
import { rangeOf } from './qemu-test-helpers';

/** Refusals and warnings found in real users' inputs (Kata, Proxmox, virtio-fs forks, NUMA setups). */

function analyse(text: string) {
  const analysis = analyzeText(text, { path: 'vm.sh' });
  const machine = analysis.machines[0];
  return { machine, codes: machine.findings.map((f) => f.code), simulation: machine.simulation! };
}

const kata = (nvdimm: string, backend = 'readonly=on') => [
  '# memslot: --vhost-user /run/fs.sock=nocfg',
  'qemu-system-x86_64 -accel kvm -M q35,memory-backend=mem0,nvdimm=on -m 2G,slots=2,maxmem=64G \\',
  '  -object memory-backend-memfd,id=mem0,size=2G,share=on \\',
  `  -object memory-backend-file,id=rootfs,mem-path=/img/rootfs.img,size=128M,${backend} \\`,
  `  -device ${nvdimm} \\`,
  '  -chardev socket,id=fs-chr,path=/run/fs.sock -device vhost-user-fs-pci,id=fs0,chardev=fs-chr,tag=fs',
].join('\n');

test('a read-only NVDIMM (Kata rootfs) takes no vhost slot and needs no shared memory', () => {
  const readOnly = analyse(kata('nvdimm,id=nv0,memdev=rootfs,unarmed=on'));
  assert.equal(readOnly.simulation.outcome, 'starts');
  assert.deepEqual(readOnly.codes, []);
  const fs0 = (s: typeof readOnly.simulation) => s.consumers.find((c) => c.id === 'fs0')!;
  // The same NVDIMM on writable shared memory is one more region in the back-end's table.
  const writable = analyse(kata('nvdimm,id=nv0,memdev=rootfs', 'share=on'));
  assert.equal(fs0(writable.simulation).used, fs0(readOnly.simulation).used + 1);
  // Private writable memory is what MS004 is about.
  assert.ok(analyse(kata('nvdimm,id=nv0,memdev=rootfs', 'share=off')).codes.includes('MS004'));
  // rom=off makes it writable RAM again (QEMU 8.2+).
  assert.equal(fs0(analyse(kata('nvdimm,id=nv0,memdev=rootfs,unarmed=on', 'readonly=on,rom=off')).simulation).used, fs0(writable.simulation).used);
});

test('MS024: a read-only NVDIMM must be unarmed; the fix sets unarmed=on and QEMU starts', () => {
  const text = kata('nvdimm,id=nv0,memdev=rootfs');
  const { machine, simulation } = analyse(text);
  assert.equal(simulation.error, "'unarmed' property must be 'on' since memdev rootfs is read-only");
  const found = machine.findings.find((f) => f.code === 'MS024');
  assert.ok(found);
  assert.deepEqual(found.range, rangeOf(text, '-device nvdimm,id=nv0,memdev=rootfs'));
  const fixed = new DocumentText(text).applyEdits(found.fixes![0].edits);
  assert.match(fixed, /nvdimm,id=nv0,memdev=rootfs,unarmed=on/);
  assert.equal(analyse(fixed).simulation.outcome, 'starts');
});

test('MS021: NUMA nodes whose memory does not add up to -m', () => {
  const bad = analyse('qemu-system-x86_64 -M q35 -m 2G -object memory-backend-ram,id=a,size=1G -numa node,memdev=a');
  assert.equal(bad.simulation.error, 'total memory for NUMA nodes (0x40000000) should equal RAM size (0x80000000)');
  assert.deepEqual(bad.codes, ['MS021']);
  const good = analyse('qemu-system-x86_64 -M q35 -m 2G -object memory-backend-ram,id=a,size=1G -object memory-backend-ram,id=b,size=1G -numa node,memdev=a -numa node,memdev=b');
  assert.equal(good.simulation.outcome, 'starts');
  assert.deepEqual(good.codes, []);
});

test('MS022: virtio-mem after a vhost-vdpa netdev is refused (discarding RAM is disabled)', () => {
  const text = 'qemu-system-x86_64 -M q35 -m 2G,maxmem=8G -netdev vhost-vdpa,id=vdpa0,vhostdev=/dev/vhost-vdpa-0 -device virtio-net-pci,netdev=vdpa0 '
    + '-object memory-backend-ram,id=vm0-mem,size=4G -device virtio-mem-pci,id=vm0,memdev=vm0-mem';
  const { simulation, codes } = analyse(text);
  assert.equal(simulation.error, 'Discarding RAM is disabled');
  assert.equal(simulation.refusedBy, 'vm0');
  assert.deepEqual(codes, ['MS022']);
  assert.equal(analyse(text.replace(/-netdev \S+ -device virtio-net-pci,netdev=vdpa0 /, '')).simulation.outcome, 'starts');
});

test('MS020: a device property, a -global or an -object property this QEMU does not have', () => {
  const fs = 'qemu-system-x86_64 -M q35,memory-backend=m -m 1G,maxmem=4G -object memory-backend-memfd,id=m,size=1G,share=on -chardev socket,id=c,path=/run/vfs.sock ';
  const device = analyse(`${fs}-device vhost-user-fs-pci,chardev=c,tag=x,cache-size=2G`);
  assert.equal(device.simulation.error, "Property 'vhost-user-fs-pci.cache-size' not found");
  assert.deepEqual(device.codes, ['MS020']);
  const json = analyse(`${fs}-device '{"driver":"vhost-user-fs-pci","chardev":"c","tag":"x","cache-size":2147483648}'`);
  assert.equal(json.simulation.error, "Property 'vhost-user-fs-pci.cache-size' not found");
  const vmem = '-object memory-backend-ram,id=vm-mem,size=1G -global virtio-mem.dynamic-memslots=on -device virtio-mem-pci,id=vm0,memdev=vm-mem';
  const old = analyse(`# memslot: --qemu 7.2\nqemu-system-x86_64 -M q35 -m 1G,maxmem=4G ${vmem}`);
  assert.equal(old.simulation.error, "can't apply global virtio-mem.dynamic-memslots=on: Property 'virtio-mem.dynamic-memslots' not found");
  assert.deepEqual(old.codes, ['MS020']);
  assert.equal(analyse(`qemu-system-x86_64 -M q35 -m 1G,maxmem=4G ${vmem}`).simulation.outcome, 'starts');
  const object = analyse('qemu-system-x86_64 -M q35 -m 1G -object memory-backend-ram,id=m,size=1G,type=x');
  assert.equal(object.simulation.error, "Invalid parameter 'type'");
  assert.deepEqual(object.codes, ['MS020']);
  const objectJson = analyse('qemu-system-x86_64 -M q35 -m 1G -object \'{"qom-type":"memory-backend-ram","id":"m","size":1073741824,"foo":1}\'');
  assert.equal(objectJson.simulation.error, "Parameter 'foo' is unexpected");
  const shm = analyse('# memslot: --qemu 9.0\nqemu-system-x86_64 -M q35 -m 1G -object memory-backend-shm,id=m,size=1G');
  assert.equal(shm.simulation.error, "Parameter 'qom-type' does not accept value 'memory-backend-shm'");
  assert.deepEqual(shm.codes, ['MS020']);
});

test('an unknown memory-backend type is refused for what it is, and no verdict "starts" follows an MS902', () => {
  const typo = analyse('qemu-system-x86_64 -M q35 -m 1G,slots=1,maxmem=4G -object memory-backend-memdf,id=m,size=1G -device pc-dimm,memdev=m');
  assert.deepEqual(typo.codes, ['MS902']);
  assert.equal(typo.simulation.outcome, 'refused');
  assert.equal(typo.simulation.error, "Parameter 'qom-type' does not accept value 'memory-backend-memdf'");
  const size = analyse('qemu-system-x86_64 -M q35 -m 4X');
  assert.deepEqual(size.codes, ['MS902']);
  assert.equal(size.simulation.outcome, 'refused');
});

test('MS023: slots= promising more DIMMs than the smallest vhost back-end can take (kata-containers/runtime#2795)', () => {
  const text = kata('nvdimm,id=nv0,memdev=rootfs,unarmed=on').replace('slots=2', 'slots=10');
  const { machine, codes, simulation } = analyse(text);
  assert.deepEqual(codes, ['MS023']);
  assert.equal(simulation.outcome, 'starts');
  const found = machine.findings[0];
  assert.deepEqual(found.range, rangeOf(text, '10'));
  // 8 memslots of the back-end, 2 taken by the boot RAM below 4 GiB (split at the legacy VGA hole),
  // the read-only NVDIMM takes none: 6 more DIMMs fit, 7 with the NVDIMM (test/oracle: 'Kata layout').
  assert.match(found.message, /fits only 7$/);
  assert.deepEqual(analyse(text.replace('slots=10', 'slots=4')).codes, []);
});
