import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseQemuDocument } from '../../server/src/frontends/qemu';

const corpus = resolve(process.cwd(), 'test/fixtures/libvirt-corpus');
const files = readdirSync(corpus).filter((name) => name.endsWith('.args')).sort();

/** Counts option lines by a plain regex over the text, independently of the front end. */
function countOptions(text: string, option: string): number {
  return (text.match(new RegExp(`^-${option} `, 'gm')) ?? []).length;
}

/** Ids written on option lines, read with plain regexes (JSON "id":"x" or QemuOpts id=x). */
function idsOf(text: string, option: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`-${option} `)) continue;
    const id = /"id":"([^"]+)"/.exec(line)?.[1] ?? /[ ,]id=([^,\s']+)/.exec(line)?.[1];
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

test('the corpus is there and has argument files', () => {
  assert.ok(files.length >= 10);
});

for (const name of files) {
  test(`corpus ${name}: no front-end errors, every option accounted for`, () => {
    const text = readFileSync(join(corpus, name), 'utf8');
    const result = parseQemuDocument(text, 'args');
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.machines.length, 1);
    const m = result.machines[0];
    assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(m.binary?.value, '/usr/bin/qemu-system-x86_64');
    assert.equal(m.arch, 'x86_64');

    const objects = m.unmodelled.filter((u) => u.option === '-object');
    assert.equal(m.backends.length + objects.length, countOptions(text, 'object'), '-object count');
    assert.equal(m.devices.length, countOptions(text, 'device'), '-device count');
    assert.equal(m.netdevs.filter((n) => n.option === 'netdev').length, countOptions(text, 'netdev'), '-netdev count');
    assert.equal(m.chardevs.length, countOptions(text, 'chardev'), '-chardev count');

    const backendIds = m.backends.map((b) => b.id?.value);
    const objectIds = objects.map((o) => /"id":"([^"]+)"/.exec(o.value ?? '')?.[1] ?? /(?:^|,)id=([^,]+)/.exec(o.value ?? '')?.[1]);
    assert.deepEqual([...backendIds, ...objectIds].sort(), idsOf(text, 'object').sort(), '-object ids');
    assert.deepEqual(m.devices.map((d) => d.id?.value).filter((id) => id !== undefined).sort(), idsOf(text, 'device').sort(), '-device ids');
    assert.deepEqual(m.chardevs.map((c) => c.id?.value).sort(), idsOf(text, 'chardev').sort(), '-chardev ids');
    assert.deepEqual(m.netdevs.map((n) => n.id?.value).sort(), idsOf(text, 'netdev').sort(), '-netdev ids');

    // The -m line is read (libvirt always writes one, in KiB).
    const m_ = /^-m size=(\d+)k/m.exec(text);
    if (m_) assert.equal(m.memory.size?.value, Number(m_[1]) * 1024);
  });
}
