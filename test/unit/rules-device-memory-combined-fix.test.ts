import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, frontendErrors, lint, withCode } from './rules-helpers';

/**
 * MS005 and MS006 share one fix for `-m`: `slots=` for the DIMMs and `maxmem=` for the device
 * memory. QEMU reports only the first missing one: a pc-dimm asks for a slot before device memory
 * (hw/mem/pc-dimm.c pc_dimm_pre_plug(): "no slots where allocated, please specify the 'slots'
 * option"), and `slots=` without `maxmem` is refused by itself ("slots specified but no max-size",
 * docs/facts/x86-address-space.md#memory-option-checks). Expected values by hand: two 1 GiB DIMMs
 * over 1 GiB of boot RAM need maxmem ≥ 3G and slots ≥ 2.
 */
const dimms = (memory: string) => `qemu-system-x86_64 -accel kvm -M q35 -m ${memory} \\
  -object memory-backend-ram,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0 \\
  -object memory-backend-ram,id=d1,size=1G -device pc-dimm,id=dimm1,memdev=d1
`;

function assertFixedAndStarts(fixed: string, code: string): void {
  assert.deepEqual(frontendErrors(fixed, 'shell'), []);
  const after = lint(fixed, 'shell');
  assert.deepEqual(withCode(after, code), []);
  assert.deepEqual(withCode(after, code === 'MS006' ? 'MS005' : 'MS006'), [], 'the fix does not trade one refusal for the other');
  assert.equal(after.machines[0].simulation.outcome, 'starts', after.machines[0].simulation.error ?? '');
}

test('MS006 without maxmem: the fix sets maxmem and slots together; the domain then starts', () => {
  const script = dimms('1G');
  const found = withCode(lint(script, 'shell'), 'MS006');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes(`no slots where allocated, please specify the 'slots' option`), found[0].message);
  assert.match(found[0].message, /; maxmem must be ≥ 3 GiB too$/);
  const fix = fixTitled(found[0], /maxmem=3G and slots=2/);
  assert.equal(fix.isPreferred, true);
  const fixed = applyFix(script, fix);
  assert.equal(fixed, dimms('1G,maxmem=3G,slots=2'));
  assertFixedAndStarts(fixed, 'MS006');
});

test('MS006 with maxmem too small for the DIMMs: the fix raises maxmem as well as slots', () => {
  const script = dimms('1G,maxmem=2G');
  const found = withCode(lint(script, 'shell'), 'MS006');
  assert.equal(found.length, 1);
  const fixed = applyFix(script, fixTitled(found[0], /maxmem=3G and slots=2/));
  assert.equal(fixed, dimms('1G,maxmem=3G,slots=2'));
  assertFixedAndStarts(fixed, 'MS006');
});

test('MS006 with enough maxmem still offers slots= alone', () => {
  const script = dimms('1G,maxmem=4G');
  const found = withCode(lint(script, 'shell'), 'MS006');
  assert.equal(found.length, 1);
  const fix = fixTitled(found[0], /^Set slots=2 on -m$/);
  const fixed = applyFix(script, fix);
  assert.equal(fixed, dimms('1G,maxmem=4G,slots=2'));
  assertFixedAndStarts(fixed, 'MS006');
});

test('MS005 for slots= without maxmem: the fix adds maxmem, keeping the slots', () => {
  const script = dimms('1G,slots=2');
  const found = withCode(lint(script, 'shell'), 'MS005');
  assert.equal(found.length, 1);
  assert.ok(String(found[0].data?.qemu).includes('slots specified but no max-size'), found[0].message);
  const fixed = applyFix(script, fixTitled(found[0], /^Set maxmem=3G on -m$/));
  assert.equal(fixed, dimms('1G,slots=2,maxmem=3G'));
  assertFixedAndStarts(fixed, 'MS005');
});

test('MS005 where a virtio-mem device meets missing maxmem before the DIMMs: one fix sets both', () => {
  // virtio-mem takes no DIMM slot, so it is the first to find device memory missing.
  const script = `qemu-system-x86_64 -accel kvm -M q35 -m 1G \\
  -object memory-backend-ram,id=v0,size=4G -device virtio-mem-pci,id=vm0,memdev=v0 \\
  -object memory-backend-ram,id=d0,size=1G -device pc-dimm,id=dimm0,memdev=d0
`;
  const found = withCode(lint(script, 'shell'), 'MS005');
  assert.equal(found.length, 1);
  const fixed = applyFix(script, fixTitled(found[0], /maxmem=6G and slots=1/));
  assert.ok(fixed.includes('-m 1G,maxmem=6G,slots=1 '), fixed);
  assertFixedAndStarts(fixed, 'MS005');
});
