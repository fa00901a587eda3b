import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import { takesArgument } from '../../server/src/frontends/qemu/option-table';
import { parseMemorySize, parseNumaMemSize, parseQemuSize } from '../../server/src/frontends/qemu/qemu-size';
import type { MachineModel } from '../../server/src/model/machine';

/**
 * Facts of QEMU 10.0.2 (qemu-system-x86_64), as observed on the real binary while writing
 * test/oracle/frontend-*.test.ts (which re-check them live); kept here so they hold without QEMU.
 * Each expectation is QEMU's answer (query-memdev, info numa, its error text), not ours.
 */

function one(text: string): MachineModel {
  const result = parseQemuDocument(text, 'shell');
  assert.equal(result.machines.length, 1);
  return result.machines[0];
}

const K = 1024;
const M = 1024 * K;
const G = 1024 * M;

test('sizes: what qemu_strtosz accepts, and the bytes query-memdev reports', () => {
  const accepted: Array<[string, number]> = [
    ['1G', G], ['1g', G], ['1b', 1], ['1B', 1], ['0x100000', M], ['1.5G', 1.5 * G], ['1.5k', 1536],
    // Fractional bytes are cut off: size=1.1k is 1126 bytes in query-memdev.
    ['1.1k', 1126],
    // Leading white space is skipped.
    [' 1G', G],
    // b is a hex digit here: 0x400b is 0x400b bytes.
    ['0x400b', 0x400b],
  ];
  for (const [text, bytes] of accepted) {
    const parsed = parseQemuSize(text);
    assert.ok(parsed.ok, text);
    assert.equal(parsed.ok && parsed.bytes, bytes, text);
  }
  // Each refused by QEMU with "Parameter 'size' expects a size value".
  for (const text of ['1Q', '1kB', '1Ki', '', '-1', '1.5', '0x4G', '0x100000M', '1G ', '18446744073709551616']) {
    assert.equal(parseQemuSize(text).ok, false, JSON.stringify(text));
  }
});

test('-m: a number without suffix is MiB; hex without suffix is refused', () => {
  assert.deepEqual(parseMemorySize('4096'), { ok: true, bytes: 4 * G });
  assert.deepEqual(parseMemorySize('1.5G'), { ok: true, bytes: 1.5 * G });
  assert.equal(parseMemorySize('1.5').ok, false);
  const hex = parseMemorySize('0x100');
  assert.equal(hex.ok, false);
  assert.equal(!hex.ok && hex.machineProperty, true);
});

test('-numa node,mem=: a value without suffix is MiB, hex too (info numa)', () => {
  assert.deepEqual(parseNumaMemSize('1024'), { ok: true, bytes: G });
  assert.deepEqual(parseNumaMemSize('0x200'), { ok: true, bytes: 512 * M });
  assert.deepEqual(parseNumaMemSize('1G'), { ok: true, bytes: G });
  assert.equal(parseNumaMemSize('1.5').ok, false);
});

test('option arity as QEMU 10 splits options', () => {
  for (const name of ['nic', 'vga', 'loadvm', 'dtb', 'M', 'qtest', 'semihosting-config', 'sandbox', 'incoming']) assert.equal(takesArgument(name), true, name);
  for (const name of ['S', 'usb', 'preconfig', 'only-migratable', 'xen-domid-restrict', 'enable-sync-profile', 'semihosting']) assert.equal(takesArgument(name), false, name);
  // `-nic none` is one option with its argument, not -nic followed by a disk image.
  const m = one('qemu-system-x86_64 -nic none -m 1G');
  assert.deepEqual(m.netdevs.map((n) => [n.option, n.type.value]), [['nic', 'none']]);
  assert.deepEqual(m.unmodelled.filter((u) => u.option === 'none'), []);
  assert.equal(m.memory.size?.value, G);
});

test("QEMU's messages, quoted in ours", () => {
  const cases: Array<[string, string]> = [
    ['-m 4X', "Parameter 'size' expects a non-negative number below 2^64"],
    ['-m 0x100', "Parameter 'memory.size' expects size"],
    ['-m 1G,slots=x', "Parameter 'slots' expects a number"],
    ['-object memory-backend-ram,id=r,size=1Q', "Parameter 'size' expects a size value"],
    ['-object memory-backend-ram,id=r,size=1G,share=maybe', "Parameter 'share' expects 'on' or 'off'"],
    ['-object memory-backend-ram,size=1G', "Parameter 'id' is missing"],
    ['-object id=x', "Parameter 'qom-type' is missing"],
    ['-device id=x', "Parameter 'driver' is missing"],
    ['-netdev user', "Parameter 'id' is missing"],
    ['-chardev socket,path=/x', 'chardev: no id specified'],
    ['-object memory-backend-ram,id=r,size=1G,=x', "Invalid parameter ''"],
    ['-machine pc,nvdimm', "Expected '=' after parameter 'nvdimm'"],
    ['-device virtio-mem-pci,memdev=r,requested-size=1Q', "Parameter 'requested-size' expects size"],
    ['-device pc-dimm,memdev=r,node=x', "Parameter 'node' expects integer"],
    [`-object '{"qom-type":"memory-backend-ram","id":"r","size":"1G"}'`, "Parameter 'size' expects uint64"],
    [`-object '{"qom-type":"memory-backend-ram","id":"r","size":1,"share":"on"}'`, "Invalid parameter type for 'share', expected: boolean"],
    [`-object '{"qom-type":"memory-backend-ram","id":"r","id":"s","size":1}'`, 'JSON parse error, duplicate key'],
    [`-device '{"driver":"x"} x'`, 'Expecting at most one JSON value'],
    [`-device '{"driver":"x"'`, 'JSON parse error, premature EOI'],
    [`-device '{"driver":virtio}'`, "JSON parse error, invalid keyword 'virtio'"],
    [`-device '{"driver":"x",}'`, 'JSON parse error, expecting value'],
    ['-object memory-backend-ram,id=r,size=1G -object memory-backend-ram,id=r,size=1G', "Duplicate ID 'r' for object"],
    [`-object memory-backend-ram,id=r,size=1G -object '{"qom-type":"memory-backend-ram","id":"r","size":1}'`, "attempt to add duplicate property 'r' to object (type 'container')"],
    [`-device virtio-rng-pci,id=d -device '{"driver":"virtio-rng-pci","id":"d"}'`, "Duplicate device ID 'd'"],
    ['-netdev user,id=n -netdev user,id=n', "Duplicate ID 'n' for netdev"],
  ];
  for (const [options, quote] of cases) {
    const m = one(`qemu-system-x86_64 ${options}`);
    const messages = m.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    assert.ok(messages.some((message) => message.includes(quote)), `${options}\n  QEMU: ${quote}\n  ours: ${messages.join(' | ')}`);
  }
});

test('QemuOpts -object: short-form booleans are accepted; the first id= counts', () => {
  const m = one('qemu-system-x86_64 -object memory-backend-ram,id=a,size=1M,share,id=b -object memory-backend-ram,id=c,size=1M,noshare');
  assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(m.backends.map((b) => [b.id?.value, b.share.value]), [['a', true], ['c', false]]);
});
