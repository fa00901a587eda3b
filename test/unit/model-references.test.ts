import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import { idIndex, resolveRef, type Identified } from '../../server/src/model/references';
import type { Located } from '../../server/src/model/values';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
const id = (value: string): Located<string> => ({ value, range, origin: 'written' });

test('resolveRef: the first definition of an id wins; a string, a located value or nothing', () => {
  const items: Array<Identified & { name: string }> = [{ name: 'no id' }, { id: id('a'), name: 'first a' }, { id: id('b'), name: 'b' },
    { id: id('a'), name: 'second a' }];
  assert.equal(resolveRef(items, 'a')?.name, 'first a');
  assert.equal(resolveRef(items, id('b'))?.name, 'b');
  assert.equal(resolveRef(items, 'c'), undefined);
  assert.equal(resolveRef(items, undefined), undefined);
  assert.equal(resolveRef(items, null), undefined);
  assert.deepEqual([...idIndex(items).keys()], ['a', 'b']);
});

test('resolveRef sees items appended after an earlier lookup (front ends append while they read)', () => {
  const items: Identified[] = [{ id: id('a') }];
  assert.equal(resolveRef(items, 'b'), undefined);
  const b = { id: id('b') };
  items.push(b);
  assert.equal(resolveRef(items, 'b'), b);
});

test('MS905 with duplicate ids: a memdev naming an id that is a backend somewhere is not dangling', () => {
  const text = 'qemu-system-x86_64 -m 1G,slots=2,maxmem=8G -object secret,id=s,data=x -object memory-backend-ram,id=s,size=1G '
    + '-device pc-dimm,memdev=s -device pc-dimm,memdev=t\n';
  const machine = parseQemuDocument(text, 'shell').machines[0];
  assert.ok(machine);
  const dangling = machine.diagnostics.filter((finding) => finding.code === 'MS905').map((finding) => finding.message);
  assert.deepEqual(dangling, ["memdev 't' does not name any -object"]);
});
