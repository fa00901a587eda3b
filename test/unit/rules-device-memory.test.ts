import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, frontendErrors, lint, withCode } from './rules-helpers';
import { rangeOf } from './qemu-test-helpers';

/** MS005–MS008: device memory (docs/facts/memory-devices.md#device-memory-errors). Expected messages are QEMU's, from the docs. */
const virtioMem = (memory: string, extra = '') => `qemu-system-x86_64 -accel kvm -M q35 -cpu host \\
  -m ${memory} \\
  -object memory-backend-ram,id=m0,size=4G \\
  -device virtio-mem-pci,id=vm0,memdev=m0${extra}
`;

test('MS005: no maxmem; the fix sets maxmem to RAM plus the devices and QEMU starts', () => {
  const script = virtioMem('1G');
  const found = withCode(lint(script, 'shell'), 'MS005');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].range, rangeOf(script, '-device virtio-mem-pci,id=vm0,memdev=m0'));
  assert.ok(String(found[0].data?.qemu).includes('the configuration is not prepared for memory devices (e.g., for memory hotplug), consider specifying the maxmem option'));
  const fixed = applyFix(script, fixTitled(found[0], /maxmem=5G/));
  assert.equal(fixed, virtioMem('1G,maxmem=5G'));
  assert.equal(lint(fixed, 'shell').machines[0].simulation.outcome, 'starts');
});

test('MS005: maxmem too small; the fix raises it', () => {
  const script = virtioMem('1G,maxmem=3G');
  const found = withCode(lint(script, 'shell'), 'MS005');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes('not enough space, currently 0x0 in use of total space for memory devices 0x80000000'), found[0].message);
  const fixed = applyFix(script, fixTitled(found[0], /maxmem=5G/));
  assert.equal(fixed, virtioMem('1G,maxmem=5G'));
  assert.deepEqual(withCode(lint(fixed, 'shell'), 'MS005'), []);
});

test('MS005 passes when maxmem holds the devices', () => {
  assert.deepEqual(withCode(lint(virtioMem('1G,maxmem=5G'), 'shell'), 'MS005'), []);
});

const dimms = (memory: string) => `qemu-system-x86_64 -accel kvm -M q35 -m ${memory} -object memory-backend-ram,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0 -object memory-backend-ram,id=d1,size=1G -device pc-dimm,id=dimm1,memdev=d1\n`;

test('MS006: DIMMs without slots=, then with too few; the fix sets slots to the DIMM count', () => {
  const none = dimms('1G,maxmem=4G');
  const found = withCode(lint(none, 'shell'), 'MS006');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes(`no slots where allocated, please specify the 'slots' option`));
  assert.deepEqual(found[0].related?.map((info) => info.message), ['-m has no slots= here (0 DIMM slots)']);
  const fixed = applyFix(none, fixTitled(found[0], /slots=2/));
  assert.equal(fixed, dimms('1G,maxmem=4G,slots=2'));
  assert.equal(lint(fixed, 'shell').machines[0].simulation.outcome, 'starts');

  const one = dimms('1G,maxmem=4G,slots=1');
  const tooFew = withCode(lint(one, 'shell'), 'MS006');
  assert.equal(tooFew.length, 1);
  assert.deepEqual(tooFew[0].range, rangeOf(one, '-device pc-dimm,id=dimm1,memdev=d1'));
  assert.ok(String(tooFew[0].data?.qemu).includes('no free slots available'));
  assert.deepEqual(tooFew[0].related?.map((info) => info.message), ['slots= is set here']);
  assert.equal(applyFix(one, fixTitled(tooFew[0], /slots=2/)), dimms('1G,maxmem=4G,slots=2'));
  assert.deepEqual(withCode(lint(dimms('1G,maxmem=4G,slots=2'), 'shell'), 'MS006'), []);
});

test('MS007: requested-size not a multiple of the 2 MiB default block size; 4M passes', () => {
  const script = virtioMem('1G,maxmem=5G', ',requested-size=3M');
  const found = withCode(lint(script, 'shell'), 'MS007');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes(`'requested-size' property has to be multiples of 'block-size' (0x200000)`), found[0].message);
  assert.deepEqual(withCode(lint(virtioMem('1G,maxmem=5G', ',requested-size=4M'), 'shell'), 'MS007'), []);
});

test('MS008: maxmem of about 1 TiB with the default 40-bit CPU model; -cpu host passes', () => {
  // q35 with 4 GiB: 2 GiB above 4 GiB, device memory from 6 GiB for 1024 GiB ends at 1030 GiB > 2^40.
  const script = 'qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=1028G\n';
  const found = withCode(lint(script, 'shell'), 'MS008');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].range, rangeOf(script, '1028G'));
  // Intel host assumed (the vendor is undeclared): 6 GiB + 1022 GiB + 32 GiB of 64-bit PCI hole.
  assert.equal(found[0].message, "QEMU refuses to start: addresses reach 0x1097fffffff, past qemu64's 40 phys-bits");
  assert.ok(found[0].related?.some((r) => r.message === 'QEMU: Address space limit 0xffffffffff < 0x1097fffffff phys-bits too low (40)'));
  assert.deepEqual(withCode(lint(script.replace('-M q35', '-M q35 -cpu host'), 'shell'), 'MS008'), []);
  assert.deepEqual(withCode(lint('qemu-system-x86_64 -accel kvm -M q35 -m 4G,maxmem=512G\n', 'shell'), 'MS008'), []);
});

test('fixes of MS005/MS006 leave a command line the front end reads without errors', () => {
  for (const script of [virtioMem('1G'), dimms('1G,maxmem=4G')]) {
    for (const found of lint(script, 'shell').findings) {
      for (const fix of found.fixes ?? []) assert.deepEqual(frontendErrors(applyFix(script, fix), 'shell'), [], fix.title);
    }
  }
});
