import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBitmap } from '../../server/src/frontends/libvirt/bitmap';
import { numaCpusDomain as domain, numaCpusRefused } from './domain-fixtures';
import { applyFix, fixTitled, frontendErrors, lint, withCode } from './rules-helpers';

/**
 * Guest NUMA cells whose `cpus` do not fit <vcpu> (docs/facts/libvirt.md#numa-cells-and-vcpus).
 * Every spelling and message below was tried on real libvirt 11.3 with `virsh domxml-to-native`
 * (the accepted and refused fixtures are checked again by test/oracle/libvirt-domxml.test.ts).
 */

test('bitmaps libvirt reads: blanks around numbers and the dash, one trailing comma, parts applied in order', () => {
  const cases: [string, number[]][] = [
    ['0', [0]],
    ['0-3', [0, 1, 2, 3]],
    [' 0 - 1 , 2', [0, 1, 2]],
    ['0,\t1', [0, 1]],
    ['0,', [0]],
    ['01', [1]],
    ['^0', []],
    ['0-2,^2', [0, 1]],
    ['0-2,^1,^1', [0, 2]],
    ['^1,0-2', [0, 1, 2]],
    ['0 -1', [0, 1]],
    ['30-33', [30, 31, 32, 33]],
  ];
  for (const [text, bits] of cases) assert.deepEqual(parseBitmap(text)?.positions(), bits, text);
  const whole = parseBitmap('0-16383');
  assert.equal(whole?.count(), 16384);
  assert.equal(whole?.last(), 16383);
});

test("bitmaps libvirt refuses with 'Failed to parse bitmap'", () => {
  for (const text of ['', ' ', ',', ',0', '0,,1', '0-', '3-1', 'a', '+1', '0x1', '0 1', '^ 1', '0-3,^1-2', '16384', '0-100000', '99999999999999999999']) {
    assert.equal(parseBitmap(text), undefined, JSON.stringify(text));
  }
});

const refusals = (text: string) => withCode(lint(text, 'libvirt-xml'), 'MS909').filter((f) => f.severity === 'error');

test('cells that fit <vcpu> are accepted: a cell without cpus, a missing <vcpu> with one vCPU, fewer cells than vCPUs', () => {
  for (const text of [domain('  <vcpu>4</vcpu>\n', ['0-1', '2']), domain('', ['0']), domain("  <vcpu placement='static'>8</vcpu>\n", ['0-3', '4-7'])]) {
    assert.deepEqual(refusals(text).map((f) => f.message), [], text);
  }
});

test('more vCPUs in the cells than <vcpu> (1 when missing): the fix adds <vcpu> after the memory elements', () => {
  const { text, message } = numaCpusRefused.noVcpu;
  const [found, ...others] = refusals(text);
  assert.deepEqual(others, []);
  assert.equal(found?.message, message);
  // No <vcpu> to point at: the <numa> start tag, on line 5 after "  <cpu>".
  assert.deepEqual(found.range, { start: { line: 4, character: 7 }, end: { line: 4, character: 13 } });
  const fix = fixTitled(found, /^Add <vcpu>2<\/vcpu>$/);
  assert.equal(fix.isPreferred, true);
  const fixed = applyFix(text, fix);
  assert.equal(fixed, text.replace("<memory unit='GiB'>1</memory>\n", "<memory unit='GiB'>1</memory>\n  <vcpu>2</vcpu>\n"));
  assert.deepEqual(frontendErrors(fixed, 'libvirt-xml'), []);
});

test('a vCPU id at or past <vcpu>: reported at that cell, the fix raises <vcpu> to the id plus one', () => {
  const { text, message } = numaCpusRefused.idBeyondVcpu;
  const [found, ...others] = refusals(text);
  assert.deepEqual(others, []);
  assert.equal(found?.message, message);
  assert.equal(text.split('\n')[found.range.start.line]?.slice(found.range.start.character, found.range.end.character), '0,3');
  const fixed = applyFix(text, fixTitled(found, /^Set <vcpu> to 4$/));
  assert.equal(fixed, domain('  <vcpu>4</vcpu>\n', ['0,3']));
  assert.deepEqual(frontendErrors(fixed, 'libvirt-xml'), []);
});

test('the count comes before the ids, and the fix covers both: cells 0 and 5 with 2 vCPUs need 6', () => {
  const text = domain('  <vcpu>2</vcpu>\n', ['0', '5', '1']);
  const [found, ...others] = refusals(text);
  assert.deepEqual(others, []);
  assert.equal(found?.message, 'internal error: Number of CPUs in <numa> exceeds the <vcpu> count');
  assert.equal(text.split('\n')[found.range.start.line]?.slice(found.range.start.character, found.range.end.character), '2');
  assert.deepEqual(frontendErrors(applyFix(text, fixTitled(found, /^Set <vcpu> to 6$/)), 'libvirt-xml'), []);
});

test('overlapping cells are named as libvirt names them (the later cell in the document first, by id); no <vcpu> fix', () => {
  const { text, message } = numaCpusRefused.overlapping;
  const [found, ...others] = refusals(text);
  assert.deepEqual(others, []);
  assert.equal(found?.message, message);
  assert.equal(found.fixes, undefined);
  // Written out of id order: libvirt reads id 1 first, then id 0 overlaps it.
  const swapped = text.replace("<cell id='0' cpus='0-1'", "<cell id='X' cpus='0-1'").replace("<cell id='1'", "<cell id='0'").replace("id='X'", "id='1'");
  assert.deepEqual(refusals(swapped).map((f) => f.message), ['unsupported configuration: NUMA cells 0 and 1 have overlapping vCPU ids']);
  // The earlier cell with the lowest id is named when several overlap.
  const three = domain('  <vcpu>8</vcpu>\n', ['2-3', '0-1', '1-2']);
  assert.deepEqual(refusals(three).map((f) => f.message), ['unsupported configuration: NUMA cells 2 and 0 have overlapping vCPU ids']);
});

test('an unreadable cpus list is refused at its value, quoted short; <vcpu> must be a whole number', () => {
  const { text, message } = numaCpusRefused.badBitmap;
  assert.deepEqual(refusals(text).map((f) => f.message), [message]);
  const long = domain('  <vcpu>4</vcpu>\n', [`${'0,'.repeat(40)}x`]);
  const [cut] = refusals(long);
  assert.equal(cut?.message, `invalid argument: Failed to parse bitmap '${'0,'.repeat(16)}…'`);
  for (const vcpu of ['<vcpu>x</vcpu>', '<vcpu> 4 </vcpu>', '<vcpu></vcpu>', '<vcpu/>']) {
    const text = domain(`  ${vcpu}\n`, ['0']);
    assert.deepEqual(refusals(text).map((f) => f.message), ['XML error: maximum vcpus count must be an integer'], vcpu);
  }
});

test('a <vcpu> still being typed says nothing yet', () => {
  // Cells with four vCPUs, then a <vcpu> cut short where the user is typing.
  const text = domain('', ['0-3']).replace('</domain>\n', '  <vcpu>');
  assert.deepEqual(refusals(text).map((f) => f.message).filter((m) => /vcpu/i.test(m)), []);
  assert.deepEqual(refusals(`${text}4</vcpu>\n</domain>\n`).map((f) => f.message), []);
});

test('many cells each naming every vCPU: one overlap finding, the count refusal, bounded work', () => {
  const cells = Array.from({ length: 2000 }, () => '0-16383');
  const found = refusals(domain('  <vcpu>16384</vcpu>\n', cells)).map((f) => f.message);
  assert.deepEqual(found, [
    'unsupported configuration: NUMA cells 1 and 0 have overlapping vCPU ids',
    'internal error: Number of CPUs in <numa> exceeds the <vcpu> count',
  ]);
});
