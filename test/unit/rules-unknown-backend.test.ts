import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, lint, withCode } from './rules-helpers';
import { rangeOf } from './qemu-test-helpers';

/**
 * MS012: an undeclared vhost-user back-end whose limit decides the verdict
 * (docs/facts/vhost-user-backends.md#backend-limits, docs/facts/test-vectors.md T6–T9).
 */
const decidesFirst = `#!/bin/sh
qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -object memory-backend-memfd,id=m0,size=64G \\
  -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
  -chardev socket,id=c0,path=/run/vub.sock \\
  -device vhost-user-blk-pci,chardev=c0,id=vub0
`;

test('MS012: says which limits pass (509) and which fail (8, 32), and offers to declare each', () => {
  const linted = lint(decidesFirst, 'shell');
  const found = withCode(linted, 'MS012');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'warning');
  assert.deepEqual(found[0].range, rangeOf(decidesFirst, '-device vhost-user-blk-pci,chardev=c0,id=vub0'));
  assert.equal(found[0].message, "The verdict depends on vub0's undeclared back-end limit: QEMU starts with 509, refuses with 8 or 32");
  assert.deepEqual(found[0].data?.passes, [509]);
  const declare32 = fixTitled(found[0], /: 32 memslots/);
  const fixed = applyFix(decidesFirst, declare32);
  assert.ok(fixed.includes('\n# memslot: --vhost-user /run/vub.sock=32\nqemu-system-x86_64'));
  const after = lint(fixed, 'shell');
  assert.deepEqual(withCode(after, 'MS012'), []);
  assert.equal(withCode(after, 'MS001').length, 1);
});

test('MS012 passes when the verdict is the same for every limit (the back-end comes first, T9) or the limit is declared', () => {
  const first = `qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0 \\
  -object memory-backend-memfd,id=m0,size=64G -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on
`;
  assert.deepEqual(withCode(lint(first, 'shell'), 'MS012'), []);
  assert.deepEqual(withCode(lint(decidesFirst, 'shell', ['--vhost-user', '/run/vub.sock=509']), 'MS012'), []);
});
