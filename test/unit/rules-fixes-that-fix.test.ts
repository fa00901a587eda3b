// Fixes that fix: MS010 turns dynamic-memslots off (or removes it), MS002 declares a back-end with
// more slots where that makes QEMU start, MS001's move says it leaves the device one memslot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, lint, withCode } from './rules-helpers';
import { virtioMemVirtiofsDomain } from './domain-fixtures';

const netFirst = `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -object memory-backend-memfd,id=m0,size=64G -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
  -chardev socket,id=n0,path=/run/net.sock -netdev vhost-user,id=net0,chardev=n0 -device virtio-net-pci,netdev=net0
`;
const net32 = ['--vhost-user', '/run/net.sock=32'];

test('MS010: the preferred fix sets dynamic-memslots=off; another removes it; either way MS010 is gone and QEMU starts', () => {
  const [found] = withCode(lint(netFirst, 'shell', net32), 'MS010');
  const off = fixTitled(found, /^Set dynamic-memslots=off on vm0/);
  assert.equal(off.isPreferred, true);
  const fixedOff = applyFix(netFirst, off);
  assert.ok(fixedOff.includes('memdev=m0,dynamic-memslots=off '));
  const removed = applyFix(netFirst, fixTitled(found, /^Remove dynamic-memslots=on/));
  assert.ok(removed.includes('memdev=m0 ') && !removed.includes('dynamic-memslots'));
  for (const fixed of [fixedOff, removed]) {
    const after = lint(fixed, 'shell', net32);
    assert.deepEqual(withCode(after, 'MS010'), []);
    assert.equal(after.machines[0].simulation.outcome, 'starts');
    assert.equal(after.machines[0].simulation.memoryDevices[0].memslots, 1);
  }
  // On RHEL's qemu-kvm dynamic-memslots defaults to on: removing it would change nothing.
  const [rhel] = withCode(lint(netFirst, 'shell', [...net32, '--qemu-flavor', 'rhel']), 'MS010');
  assert.ok(!(rhel.fixes ?? []).some((fix) => fix.title.startsWith('Remove')));
});

test("MS010 in domain XML: dynamicMemslots='no'", () => {
  const xml = virtioMemVirtiofsDomain(" dynamicMemslots='yes'");
  // fs0 is emitted after the memory device by libvirt; a 32-slot netdev-like back-end first is not
  // expressible here, so use a 1 GiB device: one memslot whatever dynamicMemslots says.
  const small = xml.replace(/<size unit='GiB'>\d+<\/size>/, "<size unit='GiB'>1</size>").replace(/<requested unit='GiB'>\d+<\/requested>/, "<requested unit='GiB'>1</requested>");
  const found = withCode(lint(small, 'libvirt-xml', ['--vhost-user', '/run/virtiofsd/share.sock=509']), 'MS010');
  if (found.length === 0) return assert.fail(`no MS010 for the 1 GiB device: ${JSON.stringify(lint(small, 'libvirt-xml').findings.map((f) => f.message))}`);
  const fixed = applyFix(small, fixTitled(found[0], /dynamicMemslots='no'/));
  assert.ok(fixed.includes("dynamicMemslots='no'"));
  assert.deepEqual(withCode(lint(fixed, 'libvirt-xml', ['--vhost-user', '/run/virtiofsd/share.sock=509']), 'MS010'), []);
});

test('MS002: a DIMM that finds no free slot in a small vhost-user back-end; declaring 509 slots makes QEMU start', () => {
  const script = `qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=8G,slots=2 \\
  -object memory-backend-memfd,id=ram,size=4G,share=on -machine memory-backend=ram \\
  -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0 \\
  -object memory-backend-memfd,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0
`;
  const [found] = withCode(lint(script, 'shell', ['--vhost-user', '/run/vub.sock=2']), 'MS002');
  const fix = fixTitled(found, /^Declare that the back-end at \/run\/vub\.sock offers 509 memslots/);
  const fixed = applyFix(script, fix);
  assert.ok(fixed.startsWith('# memslot: --vhost-user /run/vub.sock=509\n'), fixed);
  // The file's directive wins over the CLI's 2.
  const after = lint(fixed, 'shell', ['--vhost-user', '/run/vub.sock=2']);
  assert.equal(after.machines[0].simulation.outcome, 'starts');
});

test("MS001's move says what it does to the decision: vm0 then uses one memslot", () => {
  const script = `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -object memory-backend-memfd,id=ram,size=1G,share=on -machine memory-backend=ram \\
  -object memory-backend-memfd,id=vmem0,size=64G,share=on \\
  -device virtio-mem-pci,id=vm0,memdev=vmem0,dynamic-memslots=on \\
  -chardev socket,id=c0,path=/run/vub.sock \\
  -device vhost-user-blk-pci,chardev=c0,id=vub0
`;
  const [found] = withCode(lint(script, 'shell', ['--vhost-user', '/run/vub.sock=32']), 'MS001');
  const move = fixTitled(found, /^Move/);
  assert.equal(move.title, 'Move vub0 and its -chardev before vm0: vm0 then uses one memslot');
  const after = lint(applyFix(script, move), 'shell', ['--vhost-user', '/run/vub.sock=32']);
  assert.equal(after.machines[0].simulation.outcome, 'starts');
  assert.equal(after.machines[0].simulation.memoryDevices[0].memslots, 1);
});
