import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, withCode } from './rules-helpers';
import { rangeOf } from './qemu-test-helpers';

/**
 * MS002 (vhost slots exhausted), MS003 (KVM slots exhausted), MS014 (low headroom);
 * docs/facts/memory-devices.md#memory-device-checks, docs/facts/test-vectors.md T11, T14.
 */
const vhostScript = `qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=8G,slots=2 \\
  -object memory-backend-memfd,id=ram,size=4G -machine memory-backend=ram \\
  -chardev socket,id=c0,path=/run/vub.sock -device vhost-user-blk-pci,chardev=c0,id=vub0 \\
  -object memory-backend-memfd,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0
`;

test('MS002: a DIMM plug finds too few free slots in a vhost-user back-end', () => {
  // Limit 2: the 4 GiB boot RAM is 2 regions while devices are realised, nothing left for the DIMM
  // (docs/facts/x86-address-space.md#before-and-after-reset).
  const found = withCode(lint(vhostScript, 'shell', ['--vhost-user', '/run/vub.sock=2']), 'MS002');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'error');
  assert.deepEqual(found[0].range, rangeOf(vhostScript, '-device pc-dimm,id=dimm0,memdev=d0'));
  // 2 regions in use, limit 2: none free. QEMU's words and the check go to the hover.
  assert.equal(found[0].message, "QEMU refuses dimm0: it needs 1 memslot, but in vub0's back-end only 0 are free");
  assert.equal(found[0].data?.qemu, 'a used vhost backend has not enough free memory slots left');
  assert.equal(found[0].data?.check, 'the fullest vhost back-end has 0 free memslots < 1 required + 0 reserved');
  assert.ok((found[0].related ?? []).some((r) => r.message.startsWith("vub0's back-end allows 2 memslots")));
});

test('MS002: vhost_dev_init check B with QEMU\'s verbatim numbers (T11: limit 1, 2 used, 0 reserved)', () => {
  const script = vhostScript.replace(' \\\n  -object memory-backend-memfd,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0', '');
  const found = withCode(lint(script, 'shell', ['--vhost-user', '/run/vub.sock=1']), 'MS002');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].range, rangeOf(script, '-device vhost-user-blk-pci,chardev=c0,id=vub0'));
  assert.ok(String(found[0].data?.qemu).includes('vhost backend memory slots limit (1) is less than current number of used (2) and reserved (0) memory slots for memory devices.'), found[0].message);
  assert.equal(found[0].message, 'QEMU refuses vub0: its back-end allows 1 memslot, and the guest already needs 2 regions');
});

test('MS002 and MS014 pass with a 509-slot back-end', () => {
  const linted = lint(vhostScript, 'shell', ['--vhost-user', '/run/vub.sock=509']);
  assert.equal(linted.machines[0].simulation.outcome, 'starts');
  assert.deepEqual(withCode(linted, 'MS002'), []);
  assert.deepEqual(withCode(linted, 'MS014'), []);
});

test('MS014: a back-end with one slot left after the boot RAM is information on that device', () => {
  // After reset the 4 GiB q35 boot RAM is 3 regions; limit 4 leaves one for hot-plug
  // (docs/facts/x86-address-space.md#before-and-after-reset).
  const script = vhostScript.replace(' \\\n  -object memory-backend-memfd,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0', '');
  const found = withCode(lint(script, 'shell', ['--vhost-user', '/run/vub.sock=4']), 'MS014');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'information');
  assert.deepEqual(found[0].range, rangeOf(script, '-device vhost-user-blk-pci,chardev=c0,id=vub0'));
  assert.equal(found[0].message, "vub0's back-end has 1 memslot left for hot-plug (limit 4, 3 used, 0 reserved)");
  assert.equal(found[0].data?.qemu, 'a used vhost backend has not enough free memory slots left');
});

test('MS003: KVM without enough memslots refuses the DIMM; the default KVM limit passes', () => {
  const script = 'qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=8G,slots=2 -object memory-backend-ram,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0\n';
  // Four KVM slots cannot even hold the boot RAM and firmware of a q35 machine (docs/facts/x86-address-space.md#boot-slots: 6 or more).
  const found = withCode(lint(script, 'shell', ['--kvm-memslots', '4', '--smm', 'off']), 'MS003');
  assert.ok(found.length >= 1);
  assert.ok(found.some((f) => String(f.data?.qemu).includes('hypervisor has not enough free memory slots left') || String(f.data?.qemu).includes('kvm_alloc_slot')), found.map((f) => f.message).join('\n'));
  assert.deepEqual(withCode(lint(script, 'shell'), 'MS003'), []);
});

test('MS003 wording: one line with the numbers; QEMU\'s message, the free-slot check and the KVM limit\'s origin in the data', () => {
  const dimms = [0, 1, 2, 3, 4].map((n) => ` -object memory-backend-ram,id=d${n},size=1G -device pc-dimm,id=dimm${n},memdev=d${n}`).join('');
  const script = `qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=16G,slots=8${dimms}\n`;
  const [found] = withCode(lint(script, 'shell', ['--kvm-memslots', '8']), 'MS003');
  assert.match(found.message, /^QEMU refuses dimm\d: it needs 1 memslot, but KVM has \d+ free of its 8$/);
  assert.equal(found.data?.qemu, 'hypervisor has not enough free memory slots left');
  assert.match(String(found.data?.check), /^KVM has \d+ free memslots < 1 required \+ 0 reserved$/);
});
