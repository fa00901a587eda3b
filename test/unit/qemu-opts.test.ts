import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuOpts } from '../../server/src/frontends/qemu/qemu-opts';
import { parseJson } from '../../server/src/frontends/qemu/json-option';

test('QemuOpts: implied first key, pairs and value positions', () => {
  const text = 'virtio-mem-pci,id=vm0,memdev=m0';
  const { items, problems } = parseQemuOpts(text, 'driver');
  assert.equal(problems.length, 0);
  assert.deepEqual(items.map((i) => [i.key, i.value, i.form]), [['driver', 'virtio-mem-pci', 'implied'], ['id', 'vm0', 'pair'], ['memdev', 'm0', 'pair']]);
  const memdev = items[2];
  assert.equal(text.slice(memdev.keyFrom, memdev.keyTo), 'memdev');
  assert.equal(text.slice(memdev.valueFrom, memdev.valueTo), 'm0');
});

test('QemuOpts: ,, is a literal comma inside a value and the value range spans the escape', () => {
  const text = 'file,id=f,mem-path=/a,,b,size=1G';
  const { items } = parseQemuOpts(text, 'qom-type');
  const memPath = items.find((i) => i.key === 'mem-path')!;
  assert.equal(memPath.value, '/a,b');
  assert.equal(text.slice(memPath.valueFrom, memPath.valueTo), '/a,,b');
  assert.equal(items.find((i) => i.key === 'size')?.value, '1G');
});

test('QemuOpts: the implied key applies to the first item only; named first items work too', () => {
  assert.deepEqual(parseQemuOpts('size=4G,slots=2', 'size').items.map((i) => [i.key, i.value]), [['size', '4G'], ['slots', '2']]);
  assert.deepEqual(parseQemuOpts('4G', 'size').items.map((i) => [i.key, i.value]), [['size', '4G']]);
});

test('QemuOpts: bare flag is on, noflag is off (short-form booleans)', () => {
  const { items, problems } = parseQemuOpts('socket,id=c0,path=/s,server,nowait', 'backend');
  assert.equal(problems.length, 0);
  assert.deepEqual(items.slice(3).map((i) => [i.key, i.value, i.form]), [['server', 'on', 'flag'], ['wait', 'off', 'flag']]);
});

test('keyval: a bare item after the first is an error', () => {
  const text = 'memory-backend-ram,id=m0,share';
  const { problems } = parseQemuOpts(text, 'qom-type', 'keyval');
  assert.deepEqual(problems.map((p) => [p.message, text.slice(p.from, p.to)]), [["Expected '=' after parameter 'share'", 'share']]);
});

test('QemuOpts: empty key is reported', () => {
  const { problems } = parseQemuOpts('pc,=1', 'type');
  assert.equal(problems.length, 1);
});

test('JSON: members keep key and value positions', () => {
  const text = '{"driver":"virtio-mem-pci", "requested-size": 1073741824, "dynamic-memslots":true}';
  const parsed = parseJson(text);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.kind, 'object');
  if (parsed.value.kind !== 'object') return;
  const [driver, size, dynamic] = parsed.value.members;
  assert.equal(text.slice(driver.keyFrom, driver.keyTo), '"driver"');
  assert.equal(text.slice(driver.value.from, driver.value.to), '"virtio-mem-pci"');
  assert.deepEqual([size.key, size.value.kind, text.slice(size.value.from, size.value.to)], ['requested-size', 'number', '1073741824']);
  assert.deepEqual([dynamic.value.kind, dynamic.value.kind === 'boolean' && dynamic.value.value], ['boolean', true]);
});

test('JSON: escapes, nesting and single-quoted strings (accepted by QEMU)', () => {
  const parsed = parseJson(`{"a":"x\\"y\\u0041","b":[1,{"c":null}],'d':'e'}`);
  assert.ok(parsed.ok);
  if (!parsed.ok || parsed.value.kind !== 'object') return;
  assert.deepEqual(parsed.value.members.map((m) => m.key), ['a', 'b', 'd']);
  const a = parsed.value.members[0].value;
  assert.equal(a.kind === 'string' && a.value, 'x"yA');
});

test('JSON: errors say what and where', () => {
  // [text, message, offending text, its offset counted by hand]
  const cases: Array<[string, string, string, number]> = [
    ['{"driver":"x",}', 'JSON parse error, expecting value (a comma before })', '}', 14],
    ['{"driver" "x"}', "JSON parse error, missing : in object pair (after key 'driver')", '"', 10],
    ['{"size":1G}', "JSON parse error, expected separator in dict (',' or '}')", 'G', 9],
    ['{"a":1,"a":2}', "JSON parse error, duplicate key 'a'", '"a"', 7],
    ['{"a":tru}', "JSON parse error, invalid keyword 'tru'", 'tru', 5],
    ['{"a":1} x', 'Expecting at most one JSON value (text follows the JSON object)', 'x', 8],
  ];
  for (const [text, message, at, offset] of cases) {
    const parsed = parseJson(text);
    assert.equal(parsed.ok, false, text);
    if (parsed.ok) continue;
    assert.equal(parsed.message, message, text);
    assert.equal(text.slice(parsed.from, parsed.to), at, text);
    assert.equal(parsed.from, offset, text);
  }
  const open = parseJson('{"driver":"virtio-mem-pci"');
  assert.equal(open.ok, false);
  assert.equal(!open.ok && open.message, "JSON parse error, premature EOI (',' or '}' is missing)");
  const unterminated = parseJson('{"driver":"virt');
  assert.equal(!unterminated.ok && unterminated.message, `JSON parse error, stray '"virt' (unterminated string)`);
});

test('JSON: deep nesting is an error, not a stack overflow', () => {
  const parsed = parseJson('['.repeat(100000));
  assert.equal(parsed.ok, false);
});
