import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, lint, withCode } from './rules-helpers';
import { positionOf } from './qemu-test-helpers';

/**
 * MS009–MS011: dynamic-memslots (docs/facts/virtio-mem.md#decision-limit, docs/facts/test-vectors.md
 * T1, T10, T16; per-TiB figures from the QEMU 8.2 commit).
 */
const large = (extra = '', tail = '') => `qemu-system-x86_64 -accel kvm -M q35 -cpu host -m 4G,maxmem=1028G \\
  -object memory-backend-memfd,id=m0,size=1T,reserve=off \\
  -device virtio-mem-pci,id=vm0,memdev=m0,requested-size=1G${extra}${tail}
`;

test('MS009: a 1 TiB virtio-mem as one memslot costs ~5 GiB without the TDP MMU and ~1 GiB with it (SMM doubles)', () => {
  const found = withCode(lint(large(), 'shell'), 'MS009');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'information');
  assert.equal(found[0].message, 'vm0 maps all 1 TiB as one memslot from the start: about 5.0 GiB of KVM metadata for 1 GiB used');
  assert.match(String(found[0].data?.explanation), /about 5\.0 GiB of metadata for it without the TDP MMU, 1\.0 GiB with it/);
  const noSmm = withCode(lint(large(), 'shell', ['--smm', 'off']), 'MS009')[0];
  assert.match(String(noSmm.data?.explanation), /about 2\.5 GiB of metadata for it without the TDP MMU, 514 MiB with it/);
});

test('MS009 fix: dynamic-memslots=on, after which the device has 256 memslots (T1) and the finding is gone', () => {
  const found = withCode(lint(large(), 'shell'), 'MS009')[0];
  const fixed = applyFix(large(), fixTitled(found, /dynamic-memslots=on/));
  assert.equal(fixed, large(',dynamic-memslots=on'));
  const after = lint(fixed, 'shell');
  assert.deepEqual(withCode(after, 'MS009'), []);
  assert.equal(after.machines[0].simulation.memoryDevices[0].memslots, 256);
});

test('MS009 does not suggest dynamic-memslots where a small vhost-user back-end would then be refused', () => {
  const script = large('', ' \\\n  -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0');
  const found = withCode(lint(script, 'shell', ['--vhost-user', '/run/vub.sock=32']), 'MS009');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].fixes?.filter((f) => /dynamic-memslots=on/.test(f.title)), []);
  assert.match(String(found[0].data?.explanation), /would not help here/);
});

test('MS009 passes for a small device and for one with dynamic-memslots=on', () => {
  assert.deepEqual(withCode(lint(large(',dynamic-memslots=on'), 'shell'), 'MS009'), []);
  const small = 'qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=8G -object memory-backend-memfd,id=m0,size=4G -device virtio-mem-pci,id=vm0,memdev=m0\n';
  assert.deepEqual(withCode(lint(small, 'shell'), 'MS009'), []);
});

test('MS010: a vhost-user netdev (initialised before every -device) makes dynamic-memslots=on decide 1 (T10)', () => {
  const script = `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -object memory-backend-memfd,id=m0,size=64G -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
  -chardev socket,id=n0,path=/run/net.sock -netdev vhost-user,id=net0,chardev=n0 -device virtio-net-pci,netdev=net0
`;
  const linted = lint(script, 'shell', ['--vhost-user', '/run/net.sock=32']);
  assert.equal(linted.machines[0].simulation.outcome, 'starts');
  const found = withCode(linted, 'MS010');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'warning');
  const valueAt = script.indexOf('dynamic-memslots=on') + 'dynamic-memslots='.length;
  assert.deepEqual(found[0].range, { start: positionOf(script, valueAt), end: positionOf(script, valueAt + 2) });
  assert.equal(found[0].message, 'dynamic-memslots=on has no effect on vm0: net0 (32 memslots) started before it, so QEMU decided one memslot');
  assert.deepEqual(withCode(lint(script, 'shell', ['--vhost-user', '/run/net.sock=509']), 'MS010'), []);
});

test('MS010: a 1 GiB device gets one memslot whatever dynamic-memslots says', () => {
  const script = 'qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=8G -object memory-backend-memfd,id=m0,size=1G -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on\n';
  const found = withCode(lint(script, 'shell'), 'MS010');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /1 GiB minimum memslot/);
});

const oldMachine = (backend: string, extra = '') => `qemu-system-x86_64 -accel kvm -M pc-q35-8.0 -m 1G,maxmem=9G -object ${backend},id=m0,size=8G -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on${extra}\n`;

test('MS011: pc-q35-8.0 with plain memory-backend-ram (T16); the fix sets unplugged-inaccessible=on', () => {
  const script = oldMachine('memory-backend-ram');
  const found = withCode(lint(script, 'shell'), 'MS011');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes(`'dynamic-memslots' property set to 'on' requires 'unplugged-inaccessible' to be 'on'`));
  const fixed = applyFix(script, fixTitled(found[0], /unplugged-inaccessible=on/));
  assert.equal(fixed, oldMachine('memory-backend-ram', ',unplugged-inaccessible=on'));
  assert.equal(lint(fixed, 'shell').machines[0].simulation.outcome, 'starts');
  // T16: the same with a memfd backend starts.
  assert.deepEqual(withCode(lint(oldMachine('memory-backend-memfd'), 'shell'), 'MS011'), []);
});

test('MS011: QEMU 8.1 has no dynamic-memslots; the fix removes the property', () => {
  const script = oldMachine('memory-backend-memfd').replace('pc-q35-8.0', 'q35');
  const found = withCode(lint(script, 'shell', ['--qemu', '8.1']), 'MS011');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes(`Property 'virtio-mem-pci.dynamic-memslots' not found`), found[0].message);
  const fixed = applyFix(script, fixTitled(found[0], /Remove dynamic-memslots/));
  assert.equal(fixed, script.replace(',dynamic-memslots=on', ''));
  assert.equal(lint(fixed, 'shell', ['--qemu', '8.1']).machines[0].simulation.outcome, 'starts');
});

test('MS011 in domain XML: libvirt refuses dynamicMemslots with QEMU 8.1 in its own words', () => {
  const xml = `<domain type='kvm'>
  <name>d</name>
  <maxMemory slots='16' unit='GiB'>68</maxMemory>
  <memory unit='GiB'>4</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0' memory='4' unit='GiB'/></numa></cpu>
  <devices>
    <memory model='virtio-mem'>
      <target dynamicMemslots='yes'><size unit='GiB'>64</size><node>0</node><block unit='MiB'>2</block><requested unit='GiB'>1</requested></target>
    </memory>
  </devices>
</domain>
`;
  const found = withCode(lint(xml, 'libvirt-xml', ['--qemu', '8.1']), 'MS011');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes('unsupported configuration: virtio-mem does not support dynamicMemslots'), found[0].message);
  assert.deepEqual((found[0].fixes ?? []).filter((f) => !f.title.startsWith('Disable')), []);
  assert.deepEqual(withCode(lint(xml, 'libvirt-xml', ['--qemu', '8.2']), 'MS011'), []);
});

test('MS009 explanation (the hover): sentences start upper-case; with no requested-size it says nothing is plugged yet', () => {
  const explanation = (text: string, args: string[] = []) => String(withCode(lint(text, 'shell', args), 'MS009')[0].data?.explanation);
  const withRequest = explanation(large());
  assert.match(withRequest, /second KVM address space\. With dynamic-memslots=on it would be split into 256 memslots of 4 GiB, of which 1 hold the requested 1 GiB: /);
  const unset = large().replace(',requested-size=1G', '');
  const message = explanation(unset);
  assert.match(message, /maps all 1 TiB as one memslot from the start, though nothing is plugged yet \(requested-size is not set\): /);
  assert.match(message, /With dynamic-memslots=on it would be split into 256 memslots of 4 GiB, none of them mapped until requested-size is raised/);
  assert.doesNotMatch(message, /0 B|of which 0/);
  const zero = explanation(large().replace('requested-size=1G', 'requested-size=0'));
  assert.match(zero, /nothing is plugged yet \(requested-size is 0\)/);
  const vhost = large('', ' \\\n  -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0');
  assert.match(explanation(vhost, ['--vhost-user', '/run/vub.sock=32']), /\. Turning dynamic-memslots on would not help here: /);
});
