import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, frontendErrors, lint, withCode } from './rules-helpers';
import { rangeOf } from './qemu-test-helpers';
import { virtioMemVirtiofsDomain } from './domain-fixtures';

/**
 * MS001: docs/facts/test-vectors.md T6 (64 GiB dynamic-memslots virtio-mem, then a vhost-user-blk
 * whose back-end reports 32 slots: refused) and T9 (the same back-end before the virtio-mem: starts).
 */
const verbatim = 'some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots';

const refusedScript = `#!/bin/sh
qemu-system-x86_64 -accel kvm -M q35 -cpu host \\
    -m 1G,maxmem=65G \\
    -object memory-backend-memfd,id=m0,size=64G \\
    -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
    -chardev socket,id=c0,path=/run/vub.sock \\
    -device vhost-user-blk-pci,chardev=c0,id=vub0
`;
const backend32 = ['--vhost-user', '/run/vub.sock=32'];

test('MS001: error on the refused device, QEMU\'s words, the limit and its source, related deciding device', () => {
  const linted = lint(refusedScript, 'shell', backend32);
  assert.equal(linted.machines[0].simulation.outcome, 'refused');
  const [found, ...others] = withCode(linted, 'MS001');
  assert.equal(others.length, 0);
  assert.equal(found.severity, 'error');
  assert.deepEqual(found.range, rangeOf(refusedScript, '-device vhost-user-blk-pci,chardev=c0,id=vub0'));
  // One line that names the devices; QEMU's words and where the limit came from ride along for the hover.
  assert.equal(found.message, 'QEMU refuses vub0: its back-end allows 32 memslots, and vm0 already decided 64 (needs 509)');
  assert.ok(String(found.data?.qemu).includes(verbatim));
  assert.match(String(found.data?.limitWhy), /--vhost-user \/run\/vub\.sock=32/);
  assert.equal(found.related?.length, 1);
  assert.deepEqual(found.related?.[0].range, rangeOf(refusedScript, '-device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on'));
  assert.match(found.related?.[0].message ?? '', /vm0/);
});

test('MS001 fix (command line): moving the device and its chardev before the virtio-mem keeps the layout and starts', () => {
  const found = withCode(lint(refusedScript, 'shell', backend32), 'MS001')[0];
  const fix = fixTitled(found, /^Move/);
  assert.equal(fix.isPreferred, true);
  const fixed = applyFix(refusedScript, fix);
  assert.equal(fixed, `#!/bin/sh
qemu-system-x86_64 -accel kvm -M q35 -cpu host \\
    -m 1G,maxmem=65G \\
    -object memory-backend-memfd,id=m0,size=64G \\
    -chardev socket,id=c0,path=/run/vub.sock \\
    -device vhost-user-blk-pci,chardev=c0,id=vub0 \\
    -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on
`);
  assert.deepEqual(frontendErrors(fixed, 'shell'), []);
  const after = lint(fixed, 'shell', backend32);
  assert.equal(after.machines[0].simulation.outcome, 'starts');
  assert.deepEqual(withCode(after, 'MS001'), []);
});

test('MS001 fix: a device in the middle of the command line moves alone when its chardev is already earlier', () => {
  const script = `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G -chardev socket,id=c0,path=/run/vub.sock \\
  -object memory-backend-memfd,id=m0,size=64G \\
  -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
  -device vhost-user-blk-pci,chardev=c0,id=vub0 \\
  -nodefaults
`;
  const found = withCode(lint(script, 'shell', backend32), 'MS001')[0];
  const fixed = applyFix(script, fixTitled(found, /^Move/));
  assert.equal(fixed, `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G -chardev socket,id=c0,path=/run/vub.sock \\
  -object memory-backend-memfd,id=m0,size=64G \\
  -device vhost-user-blk-pci,chardev=c0,id=vub0 \\
  -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
  -nodefaults
`);
  assert.equal(lint(fixed, 'shell', backend32).machines[0].simulation.outcome, 'starts');
});

test('MS001 fix in a one-line argument file keeps everything on one line', () => {
  const args = '-accel kvm -M q35 -m 1G,maxmem=65G -object memory-backend-memfd,id=m0,size=64G -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0\n';
  const found = withCode(lint(args, 'qemu-args', backend32), 'MS001')[0];
  const fixed = applyFix(args, fixTitled(found, /^Move/));
  assert.equal(fixed, '-accel kvm -M q35 -m 1G,maxmem=65G -object memory-backend-memfd,id=m0,size=64G -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0 -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on\n');
  assert.equal(lint(fixed, 'qemu-args', backend32).machines[0].simulation.outcome, 'starts');
});

test('MS001 fix "declare the limit" inserts a directive above the command that makes it start', () => {
  const found = withCode(lint(refusedScript, 'shell', backend32), 'MS001')[0];
  const fix = fixTitled(found, /^Declare/);
  assert.notEqual(fix.isPreferred, true);
  const fixed = applyFix(refusedScript, fix);
  assert.ok(fixed.startsWith('#!/bin/sh\n# memslot: --vhost-user /run/vub.sock=509\nqemu-system-x86_64'), fixed);
  assert.deepEqual(frontendErrors(fixed, 'shell'), []);
  const after = lint(fixed, 'shell', backend32);
  assert.equal(after.machines[0].simulation.outcome, 'starts');
  assert.deepEqual(withCode(after, 'MS001'), []);
});

test('MS001 passes when the vhost-user device comes first (T9) or the back-end has 509 slots (T8)', () => {
  const first = `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0 \\
  -object memory-backend-memfd,id=m0,size=64G -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on
`;
  const linted = lint(first, 'shell', backend32);
  assert.equal(linted.machines[0].simulation.outcome, 'starts');
  assert.deepEqual(withCode(linted, 'MS001'), []);
  assert.deepEqual(withCode(lint(refusedScript, 'shell', ['--vhost-user', '/run/vub.sock=509']), 'MS001'), []);
});

const domain = virtioMemVirtiofsDomain;
const virtiofs32 = ['--vhost-user', '/run/virtiofsd/share.sock=32'];

test("MS001 in domain XML: the fix sets dynamicMemslots='no' on the deciding device and the domain starts", () => {
  const xml = domain(" dynamicMemslots='yes'");
  const found = withCode(lint(xml, 'libvirt-xml', virtiofs32), 'MS001')[0];
  assert.ok(found, 'MS001 reported');
  assert.match(found.message, /^QEMU refuses fs0:/);
  assert.equal(found.related?.length, 1);
  const fix = fixTitled(found, /dynamicMemslots='no'/);
  assert.equal(fix.isPreferred, true);
  const fixed = applyFix(xml, fix);
  assert.equal(fixed, domain(" dynamicMemslots='no'"));
  const after = lint(fixed, 'libvirt-xml', virtiofs32);
  assert.equal(after.machines[0].simulation.outcome, 'starts');
  assert.deepEqual(withCode(after, 'MS001'), []);
});

test('MS001 in domain XML on a RHEL QEMU (dynamic-memslots on by default): the fix adds the attribute', () => {
  const xml = domain('');
  const cli = [...virtiofs32, '--qemu-flavor', 'rhel'];
  const found = withCode(lint(xml, 'libvirt-xml', cli), 'MS001')[0];
  assert.ok(found, 'MS001 reported');
  const fixed = applyFix(xml, fixTitled(found, /dynamicMemslots='no'/));
  assert.equal(fixed, domain(" dynamicMemslots='no'"));
  assert.equal(lint(fixed, 'libvirt-xml', cli).machines[0].simulation.outcome, 'starts');
});

test('MS001 in domain XML: "declare the limit" inserts an XML comment directive without double hyphens', () => {
  const xml = domain(" dynamicMemslots='yes'");
  const found = withCode(lint(xml, 'libvirt-xml', virtiofs32), 'MS001')[0];
  const fixed = applyFix(xml, fixTitled(found, /^Declare/));
  assert.ok(fixed.startsWith("<!-- memslot: vhost-user /run/virtiofsd/share.sock=509 -->\n<domain type='kvm'>"), fixed);
  assert.doesNotMatch(fixed.slice(4, fixed.indexOf('-->')), /--/);
  assert.deepEqual(frontendErrors(fixed, 'libvirt-xml'), []);
  assert.equal(lint(fixed, 'libvirt-xml', virtiofs32).machines[0].simulation.outcome, 'starts');
});

test('MS001: a JSON vhost device written before a QemuOpts virtio-mem says why it comes later, and the preferred fix rewrites it in QemuOpts form', () => {
  const script = [
    'qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=68G \\',
    '  -chardev socket,id=c0,path=/run/vfsd.sock \\',
    `  -device '{"driver":"vhost-user-fs-pci","id":"fs0","chardev":"c0","tag":"share,one"}' \\`,
    '  -object memory-backend-ram,id=vm0-mem,size=64G \\',
    '  -device virtio-mem-pci,id=vm0,memdev=vm0-mem,dynamic-memslots=on',
    '',
  ].join('\n');
  const linted = lint(script, 'shell', ['--vhost-user', '/run/vfsd.sock=32']);
  const [found] = withCode(linted, 'MS001');
  assert.ok(found, 'MS001 expected');
  assert.match(found.message, /\(JSON -devices come last\)/);
  assert.ok(found.related?.some((info) => /is written first, but as JSON: QEMU realises every QemuOpts -device before the JSON ones/.test(info.message)));
  assert.ok(found.related?.some((r) => /as JSON: QEMU realises every QemuOpts -device before the JSON ones/.test(r.message)));
  const fix = fixTitled(found, /in QemuOpts form/);
  assert.equal(fix.isPreferred, true);
  const fixed = applyFix(script, fix);
  assert.ok(fixed.includes('  -device vhost-user-fs-pci,id=fs0,chardev=c0,tag=share,,one \\\n'), fixed);
  const after = lint(fixed, 'shell', ['--vhost-user', '/run/vfsd.sock=32']);
  assert.deepEqual(withCode(after, 'MS001'), []);
  assert.equal(after.machines[0].simulation.outcome, 'starts');
  assert.deepEqual(frontendErrors(fixed, 'shell'), []);
});
