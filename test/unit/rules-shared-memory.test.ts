import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, frontendErrors, lint, withCode } from './rules-helpers';
import { rangeOf } from './qemu-test-helpers';

/** MS004: vhost-user needs fd-backed, shared guest memory (docs/facts/vhost-user-backends.md#shared-memory). */
const anonymous = `qemu-system-x86_64 -accel kvm -M q35 \\
  -m 4G \\
  -chardev socket,id=c0,path=/run/vub.sock \\
  -device vhost-user-blk-pci,chardev=c0,id=vub0
`;

test('MS004: anonymous boot RAM next to a vhost-user device; the fix adds a shared memfd backend', () => {
  const found = withCode(lint(anonymous, 'shell'), 'MS004');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'error');
  assert.deepEqual(found[0].range, rangeOf(anonymous, '-m 4G'));
  assert.equal(found[0].message, 'The vhost-user back-end of vub0 cannot use boot RAM without a memory backend: it has no fd to map');
  assert.match(String(found[0].data?.qemu), /Failed initializing vhost-user memory map, consider using -object memory-backend-file share=on/);
  assert.deepEqual(found[0].related?.[0].range, rangeOf(anonymous, '-device vhost-user-blk-pci,chardev=c0,id=vub0'));
  const fixed = applyFix(anonymous, fixTitled(found[0], /shared memfd/));
  assert.deepEqual(frontendErrors(fixed, 'shell'), []);
  const after = lint(fixed, 'shell');
  assert.deepEqual(withCode(after, 'MS004'), []);
  assert.equal(after.machines[0].simulation.outcome, 'starts');
});

test('MS004: a file backend without share=on, and a memory device backend; the fix sets share=on', () => {
  const script = `qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=8G \\
  -object memory-backend-file,id=ram,size=4G,mem-path=/dev/hugepages -machine memory-backend=ram \\
  -object memory-backend-memfd,id=vm-mem,size=2G,share=off -device virtio-mem-pci,id=vm0,memdev=vm-mem \\
  -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0
`;
  const found = withCode(lint(script, 'shell'), 'MS004');
  assert.deepEqual(found.map((f) => f.range), [
    rangeOf(script, '-object memory-backend-file,id=ram,size=4G,mem-path=/dev/hugepages'),
    rangeOf(script, '-object memory-backend-memfd,id=vm-mem,size=2G,share=off'),
  ]);
  let fixed = script;
  // Both edits are on different lines and lengthen only their own line: apply the second first.
  fixed = applyFix(fixed, fixTitled(found[1], /share=on/));
  fixed = applyFix(fixed, fixTitled(found[0], /share=on/));
  assert.ok(fixed.includes('mem-path=/dev/hugepages,share=on'));
  assert.ok(fixed.includes('size=2G,share=on'));
  assert.deepEqual(withCode(lint(fixed, 'shell'), 'MS004'), []);
});

test('MS004 passes with memfd boot RAM and no finding without vhost-user devices', () => {
  const shared = anonymous.replace('-m 4G', '-m 4G -object memory-backend-memfd,id=r,size=4G -machine memory-backend=r');
  assert.deepEqual(withCode(lint(shared, 'shell'), 'MS004'), []);
  assert.deepEqual(withCode(lint('qemu-system-x86_64 -m 4G\n', 'shell'), 'MS004'), []);
});

const domain = (backing: string) => `<domain type='kvm'>
  <name>guest</name>
  <memory unit='GiB'>2</memory>${backing}
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <filesystem type='mount'>
      <driver type='virtiofs'/>
      <source socket='/run/virtiofsd/share.sock'/>
      <target dir='share'/>
    </filesystem>
  </devices>
</domain>
`;

test('MS004 in domain XML: virtiofs without <access mode=shared>; the fix adds <memoryBacking>', () => {
  const xml = domain('');
  const found = withCode(lint(xml, 'libvirt-xml'), 'MS004');
  assert.equal(found.length, 1);
  const fixed = applyFix(xml, fixTitled(found[0], /shared/));
  assert.equal(fixed, domain("\n  <memoryBacking><access mode='shared'/></memoryBacking>"));
  assert.deepEqual(withCode(lint(fixed, 'libvirt-xml'), 'MS004'), []);
  const privateMode = domain("\n  <memoryBacking><access mode='private'/></memoryBacking>");
  const fixedPrivate = applyFix(privateMode, fixTitled(withCode(lint(privateMode, 'libvirt-xml'), 'MS004')[0], /shared/));
  assert.equal(fixedPrivate, fixed);
});
