import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dimm, limitsDomain as domain, limitsRefused, virtioMem } from './domain-fixtures';
import { applyFix, fixTitled, frontendErrors, lint, withCode } from './rules-helpers';

/**
 * libvirt's refusals that <maxMemory> answers (docs/facts/libvirt.md#validation): too few slots for
 * the DIMMs, too little hot-plug space, no <maxMemory> at all. The libvirt front end offers one fix
 * for all of them, and the fixed domain must be accepted by libvirt and started by QEMU. Expected
 * values by hand: a 1 GiB NUMA cell and two 1 GiB DIMMs need maxMemory ≥ 3 GiB and 2 slots.
 */
const refusals = (text: string) => withCode(lint(text, 'libvirt-xml'), 'MS909').filter((f) => f.severity === 'error');

function assertAcceptedAndStarts(fixed: string): void {
  assert.deepEqual(frontendErrors(fixed, 'libvirt-xml').map((f) => f.message), [], fixed);
  const after = lint(fixed, 'libvirt-xml');
  assert.equal(after.machines[0].simulation.outcome, 'starts', after.machines[0].simulation.error ?? fixed);
}

test('too few slots and a maximum below the devices: both refusals offer the one fix, in the unit written', () => {
  const text = limitsRefused.slotsAndSpace;
  const found = refusals(text);
  // libvirt 11.3 stops at the first; we report both (the libvirt oracle checks the first is libvirt's).
  assert.deepEqual(found.map((f) => f.message), [
    'XML error: maximum memory size must be equal or greater than the actual memory size',
    'internal error: failed to find an empty memory slot',
  ]);
  for (const finding of found) {
    const fix = fixTitled(finding, /^Set <maxMemory slots='2'> to 3 GiB$/);
    assert.equal(fix.isPreferred, true);
    const fixed = applyFix(text, fix);
    assert.equal(fixed, domain("  <maxMemory slots='2' unit='GiB'>3</maxMemory>\n", dimm + dimm));
    assertAcceptedAndStarts(fixed);
  }
});

/** The one refusal of `text` has `message` and a fix titled `title` giving `expected`, which libvirt accepts and QEMU starts. */
function fixesTheOneRefusal(text: string, message: string, title: RegExp, expected: string): void {
  const [found, ...others] = refusals(text);
  assert.deepEqual(others, []);
  assert.equal(found?.message, message);
  const fixed = applyFix(text, fixTitled(found, title));
  assert.equal(fixed, expected);
  assertAcceptedAndStarts(fixed);
}

test('enough space, too few slots: the fix sets slots only', () => {
  fixesTheOneRefusal(limitsRefused.slots, 'internal error: failed to find an empty memory slot', /^Set <maxMemory slots='2'>$/,
    domain("  <maxMemory slots='2' unit='GiB'>8</maxMemory>\n", dimm + dimm));
});

test('a memory device without <maxMemory>: the fix adds it before <memory> with room for the device', () => {
  // 1 GiB of initial memory and the device's full 4 GiB size; virtio-mem takes no slot.
  fixesTheOneRefusal(limitsRefused.noMaxMemory,
    "unsupported configuration: cannot use/hotplug a memory device when domain 'maxMemory' is not defined",
    /^Add <maxMemory unit='KiB'>5242880<\/maxMemory>$/, domain("  <maxMemory unit='KiB'>5242880</maxMemory>\n", virtioMem));
});

test('virtio-mem counts with its full size: 1 GiB of cells and a 4 GiB device need a 5 GiB maximum', () => {
  fixesTheOneRefusal(limitsRefused.virtioMemOverMax, 'XML error: maximum memory size must be equal or greater than the actual memory size',
    /^Set <maxMemory> to 5 GiB$/, domain("  <maxMemory unit='GiB'>5</maxMemory>\n", virtioMem));
});

test('no fix where a maximum alone cannot answer: without a NUMA cell libvirt would refuse the hot-plug anyway', () => {
  const text = limitsRefused.noMaxMemory.replace(/ *<cpu>.*<\/cpu>\n/, '');
  const found = refusals(text).find((f) => f.message.includes("'maxMemory' is not defined"));
  assert.ok(found, 'the refusal is reported');
  assert.equal(found.fixes, undefined);
});
