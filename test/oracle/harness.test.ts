import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionId, splitCommandLine } from './command-line';
import { qmpStepFor } from './hotplug';
import { liveKvmSlots, parseStderr } from './qemu-runner';

// The oracle harness's own parsing, checked against hand-written QEMU 10.0 output (no QEMU needed).

test('splitCommandLine keeps single-quoted JSON whole and joins continued lines', () => {
  assert.deepEqual(
    splitCommandLine(`qemu-system-x86_64 -m 4G \\\n  -device '{"driver":"virtio-mem-pci","id":"vm 0"}' -name "a b"`),
    ['qemu-system-x86_64', '-m', '4G', '-device', '{"driver":"virtio-mem-pci","id":"vm 0"}', '-name', 'a b'],
  );
});

test('optionId reads QemuOpts and JSON ids, honouring ",," escapes', () => {
  assert.equal(optionId('vhost-user-fs-pci,id=fs0,chardev=c0'), 'fs0');
  assert.equal(optionId('pc-dimm,memdev=x,,y,id=d1'), 'd1');
  assert.equal(optionId('{"driver":"pc-dimm","id":"d2"}'), 'd2');
  assert.equal(optionId('pc-dimm,memdev=m'), undefined);
});

test('parseStderr strips the binary and the option location, keeps hints and separates warnings', () => {
  const argv = ['-M', 'q35', '-device', 'vhost-user-fs-pci,id=fs0,chardev=c0,tag=fs0'];
  const stderr = [
    'qemu-system-x86_64: -device vhost-user-fs-pci,id=fs0,chardev=c0,tag=fs0: warning: something harmless',
    'qemu-system-x86_64: -device vhost-user-fs-pci,id=fs0,chardev=c0,tag=fs0: the error: with a colon',
    'Try this instead.',
    '',
  ].join('\n');
  const { errors, warnings } = parseStderr(stderr, 'qemu-system-x86_64', argv);
  assert.deepEqual(warnings.map((w) => w.message), ['something harmless']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.option, '-device');
  assert.equal(errors[0]!.value, 'vhost-user-fs-pci,id=fs0,chardev=c0,tag=fs0');
  assert.equal(errors[0]!.message, 'the error: with a colon');
  assert.deepEqual(errors[0]!.hints, ['Try this instead.']);
});

test('liveKvmSlots replays slot creation and deletion per address space', () => {
  const line = (as: number, slot: number, size: string, ret = 0) =>
    `kvm_set_user_memory AddrSpace#${as} Slot#${slot} flags=0x0 gpa=0x0 size=${size} ua=0x7fbf97e00000 guest_memfd=-1 guest_memfd_offset=0x0 ret=${ret}`;
  const trace = [
    line(0, 0, '0x80000000'), line(0, 1, '0x20000'), line(0, 1, '0x0'), line(0, 2, '0x1000'),
    line(1, 0, '0x1000'), line(0, 3, '0x1000', -22),
  ].join('\n');
  assert.deepEqual(liveKvmSlots(trace), { 0: 2, 1: 1 });
});

test('qmpStepFor turns options into QMP commands', () => {
  assert.deepEqual(qmpStepFor(`-device '{"driver":"pc-dimm","id":"d0"}'`), { execute: 'device_add', arguments: { driver: 'pc-dimm', id: 'd0' } });
  assert.deepEqual(qmpStepFor('-chardev socket,id=c1,path=/tmp/x.sock'), {
    execute: 'chardev-add',
    arguments: { id: 'c1', backend: { type: 'socket', data: { addr: { type: 'unix', data: { path: '/tmp/x.sock' } }, server: false } } },
  });
  assert.deepEqual(qmpStepFor('device_del d0'), { execute: 'device_del', arguments: { id: 'd0' } });
});
