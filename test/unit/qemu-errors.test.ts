import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import type { Finding } from '../../server/src/model/findings';
import type { MachineModel } from '../../server/src/model/machine';
import { GiB } from '../../server/src/model/sizes';
import { rangeOf } from './qemu-test-helpers';

function one(text: string): MachineModel {
  const result = parseQemuDocument(text, 'shell');
  assert.equal(result.machines.length, 1);
  return result.machines[0];
}

function summary(findings: Finding[]) {
  return findings.map((f) => [f.code, f.severity, f.message]);
}

test('bad size suffix: MS902 on the value', () => {
  const text = 'qemu-system-x86_64 -m 4X';
  const m = one(text);
  assert.deepEqual(summary(m.diagnostics), [['MS902', 'error', "Parameter 'size' expects a non-negative number below 2^64: unknown size suffix 'X' (use B, K, M, G, T, P or E)"]]);
  assert.deepEqual(m.diagnostics[0].range, rangeOf(text, '4X'));
  assert.equal(m.memory.size, undefined);
});

test('bad boolean: MS902 on the value', () => {
  const text = 'qemu-system-x86_64 -object memory-backend-ram,id=m0,size=1G -device virtio-mem-pci,memdev=m0,dynamic-memslots=maybe';
  const m = one(text);
  assert.deepEqual(m.diagnostics.map((d) => [d.code, d.range]), [['MS902', rangeOf(text, 'maybe')]]);
  assert.match(m.diagnostics[0].message, /^Parameter 'dynamic-memslots' expects 'on' or 'off'/);
});

test('unterminated quote: MS901 with its range; the options before it are in the model', () => {
  const text = "qemu-system-x86_64 -m 2G \\\n  -device 'virtio-mem-pci,id=vm0\n";
  const result = parseQemuDocument(text, 'shell');
  const m = result.machines[0];
  assert.equal(m.memory.size?.value, 2 * GiB);
  const quote = m.diagnostics.find((d) => d.code === 'MS901');
  assert.equal(quote?.message, 'unterminated single quote');
  assert.deepEqual(quote?.range, { start: { line: 1, character: 10 }, end: { line: 1, character: 32 } });
  assert.equal(result.diagnostics.length, 0);
});

test('broken JSON: MS903 at the offending character', () => {
  const text = `qemu-system-x86_64 -m 1G -device '{"driver":"virtio-mem-pci","id":"vm0",}' -smp 2`;
  const m = one(text);
  assert.deepEqual(summary(m.diagnostics), [['MS903', 'error', '-device: JSON parse error, expecting value (a comma before })']]);
  const brace = text.indexOf(',}') + 1;
  assert.deepEqual(m.diagnostics[0].range, { start: { line: 0, character: brace }, end: { line: 0, character: brace + 1 } });
  assert.equal(m.memory.size?.value, GiB);
  assert.deepEqual(m.unmodelled.map((u) => u.option), ['-device', '-smp']);
});

test('JSON values must be typed like QEMU wants them', () => {
  const text = `qemu-system-x86_64 -object '{"qom-type":"memory-backend-memfd","id":"m0","size":"1G"}' -device '{"driver":"virtio-mem-pci","memdev":"m0","dynamic-memslots":"on"}'`;
  const m = one(text);
  assert.deepEqual(summary(m.diagnostics), [
    ['MS902', 'error', "Parameter 'size' expects uint64"],
    ['MS902', 'error', "Invalid parameter type for 'dynamic-memslots', expected: boolean"],
  ]);
  assert.deepEqual(m.diagnostics[0].range, rangeOf(text, '"1G"'));
  assert.deepEqual(m.diagnostics[1].range, rangeOf(text, '"on"'));
  assert.equal(m.backends.length, 1);
  assert.equal(m.devices.length, 1);
});

test("missing '=': bare names where values are needed", () => {
  // -object is QemuOpts in QEMU 10: a bare `share` is the (deprecated) short form of share=on.
  const text = 'qemu-system-x86_64 -object memory-backend-ram,id=m0,size=1G,share -device virtio-mem-pci,id=vm0,memdev';
  const m = one(text);
  assert.deepEqual(summary(m.diagnostics), [
    ['MS901', 'error', "missing '=' and value after 'memdev'"],
  ]);
  assert.deepEqual(m.diagnostics[0].range, rangeOf(text, 'memdev'));
  assert.equal(m.backends[0].share.value, true);
});

test('an option without its argument at the end', () => {
  const m = one('qemu-system-x86_64 -m 1G -device');
  assert.deepEqual(summary(m.diagnostics), [['MS901', 'error', "option '-device' requires an argument"]]);
  assert.equal(m.memory.size?.value, GiB);
});

test('ids used twice: MS904 with a pointer to the first', () => {
  // The device may reuse an object's id: devices are another namespace.
  const text = 'qemu-system-x86_64 -object memory-backend-ram,id=dup,size=1G -object memory-backend-ram,id=dup,size=2G -device virtio-balloon-pci,id=dup';
  const m = one(text);
  assert.deepEqual(summary(m.diagnostics), [['MS904', 'error', "Duplicate ID 'dup' for object: already used by an earlier -object"]]);
  assert.deepEqual(m.diagnostics[0].range, rangeOf(text, 'dup', 1));
  assert.deepEqual(m.diagnostics[0].related?.map((r) => r.range), [rangeOf(text, 'dup', 0)]);
});

test('references to nothing: MS905', () => {
  const text = [
    'qemu-system-x86_64 -machine q35,memory-backend=ram0',
    '-object secret,id=s0,data=x',
    '-numa node,memdev=nomem',
    '-device virtio-mem-pci,memdev=s0',
    '-netdev vhost-user,id=n0,chardev=nochar',
    '-device virtio-net-pci,netdev=nonet',
    '-device vhost-user-fs-pci,chardev=nochar2',
  ].join(' ');
  const m = one(text);
  assert.deepEqual(m.diagnostics.map((d) => [d.code, d.message, d.range]), [
    ['MS905', "memory-backend 'ram0' does not name any -object", rangeOf(text, 'ram0')],
    ['MS905', "memdev 'nomem' does not name any -object", rangeOf(text, 'nomem')],
    ['MS905', "memdev 's0' names an -object that is not a memory backend", rangeOf(text, 's0', 1)],
    ['MS905', "chardev 'nochar' does not name any -chardev", rangeOf(text, 'nochar')],
    ['MS905', "netdev 'nonet' does not name any -netdev or -nic", rangeOf(text, 'nonet')],
    ['MS905', "chardev 'nochar2' does not name any -chardev", rangeOf(text, 'nochar2')],
  ]);
});

test('unresolved expansions that hide needed values: MS906 warning at the expansion', () => {
  const text = 'qemu-system-x86_64 -m $MEM -object memory-backend-ram,id=m0,size=${SIZE} -device virtio-mem-pci,memdev=$BACKEND -name $NAME';
  const m = one(text);
  assert.deepEqual(m.diagnostics.map((d) => [d.code, d.severity, d.range]), [
    ['MS906', 'warning', rangeOf(text, '$MEM')],
    ['MS906', 'warning', rangeOf(text, '${SIZE}')],
    ['MS906', 'warning', rangeOf(text, '$BACKEND')],
  ]);
  assert.equal(m.diagnostics[0].message, "$MEM has no value known in this script, so the value of 'size' is unknown");
  assert.equal(m.backends.length, 1);
});

test('a half-typed line still gives a model for the rest', () => {
  const text = 'qemu-system-x86_64 -m 4G -object memory-backend-ram,id=m0,size=1G -device virtio-mem-pci,id=vm0,memdev=m0,requested-size= -device virtio-mem-pci,memd';
  const m = one(text);
  assert.equal(m.memory.size?.value, 4 * GiB);
  assert.equal(m.backends.length, 1);
  assert.equal(m.devices.length, 2);
  // `memd` is a (short-form boolean) property QEMU would reject by name; we do not know every property.
  // An empty value is reported on its key.
  assert.deepEqual(m.diagnostics.map((d) => [d.code, d.message, d.range]), [
    ['MS902', "Parameter 'requested-size' expects size: empty size", rangeOf(text, 'requested-size')],
  ]);
});

test('keyval -machine rejects short-form booleans, like QEMU', () => {
  const text = 'qemu-system-x86_64 -machine pc,usb';
  assert.deepEqual(summary(one(text).diagnostics), [['MS901', 'error', "Expected '=' after parameter 'usb'"]]);
});

test('bad -global reports MS901', () => {
  const m = one('qemu-system-x86_64 -global foo');
  assert.deepEqual(m.diagnostics.map((d) => d.code), ['MS901']);
});

test('JSON hidden by an unknown variable is MS906, not broken JSON', () => {
  const text = `qemu-system-x86_64 -object "{\\"qom-type\\":\\"memory-backend-ram\\",\\"id\\":\\"m0\\",\\"size\\":$SIZE}"`;
  const m = one(text);
  assert.deepEqual(m.diagnostics.map((d) => [d.code, d.range]), [['MS906', rangeOf(text, '$SIZE')]]);
});

test('-object and -netdev need an id, like QEMU says', () => {
  const text = 'qemu-system-x86_64 -object memory-backend-ram,size=1G -netdev user -nic user';
  const m = one(text);
  assert.deepEqual(m.diagnostics.map((d) => [d.code, d.message, d.range]), [
    ['MS901', "Parameter 'id' is missing", rangeOf(text, 'memory-backend-ram,size=1G')],
    ['MS901', "Parameter 'id' is missing", rangeOf(text, 'user')],
  ]);
  assert.equal(m.backends.length, 1);
});
