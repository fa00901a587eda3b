import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import { parseQemuDocument } from '../../server/src/frontends/qemu/index';
import { collectFromArgs, collectFromModel, type Facts } from './libvirt-compare';

/**
 * Equivalence over libvirt's own test pairs: the model built from NAME.xml must agree with what
 * libvirt 10.7.0 put on the QEMU command line (NAME.x86_64-*.args) on memory backends, memory
 * devices and vhost consumers, in order. The .args side is read twice: by the project's QEMU front
 * end and by a small reader (libvirt-compare.ts) that knows only the JSON `-object`/`-device`/
 * `-netdev` and `-chardev socket` lines libvirt emits, so neither reading checks only itself.
 * The pairs are vendored in test/fixtures/libvirt-corpus (libvirt's LGPL data): nothing is skipped.
 */

const corpus = resolve(process.cwd(), 'test/fixtures/libvirt-corpus');

/**
 * Differences that are right, pair by pair. Each entry edits the facts of the XML side before
 * comparison and says why.
 */
const knownDifferences: Record<string, { reason: string; adjust: (xml: Facts, args: Facts) => void }> = {
  'net-vdpa-multiqueue': {
    reason: 'libvirt opens /dev/vhost-vdpa-0 itself and hands QEMU the fd as an fd set (-add-fd, vhostdev=/dev/fdset/0); the fd set exists only at run time',
    adjust: (xml) => {
      for (const v of xml.vhost) if (v.kind === 'vhost-vdpa' && v.socket === '/dev/vhost-vdpa-0') v.socket = '/dev/fdset/0';
    },
  },
};
/*
 * Not compared at all, because both sides only hold run-time handles: tap `fds`/`vhostfds`,
 * vhost-vsock `vhostfd`, and the socket of libvirt-launched vhost-user-gpu (`-chardev socket,fd=`,
 * vhost-user-gpu-secondary), which is an fd on the args side and has no path on the XML side.
 * The socket of a libvirt-launched virtiofsd contains the domain id; the XML side uses -1, the id
 * libvirt itself uses for a domain that is not running, which is also what its tests print.
 */

// ---- the pairs ----------------------------------------------------------------------------------

function pairs(): Array<{ name: string; xml: string; args?: string; err?: string }> {
  const files = readdirSync(corpus);
  return files.filter((f) => f.endsWith('.xml')).sort().map((f) => {
    const name = f.slice(0, -4);
    const args = files.find((g) => g.startsWith(`${name}.x86_64-`) && g.endsWith('.args'));
    const err = files.find((g) => g.startsWith(`${name}.x86_64-`) && g.endsWith('.err'));
    return { name, xml: f, args, err };
  });
}

function xmlFacts(name: string, xmlText: string, argsFacts: Facts): Facts {
  const result = parseLibvirtDomain(xmlText);
  assert.equal(result.diagnostics.length, 0, `${name}: XML reader problems: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  assert.equal(result.machines.length, 1, `${name}: one machine`);
  const machine = result.machines[0];
  const errors = machine.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.message), [], `${name}: libvirt accepts this domain, so no error`);
  const facts = collectFromModel(machine);
  knownDifferences[name]?.adjust(facts, argsFacts);
  return facts;
}

test('the corpus is present and the comparison covers real items', () => {
  const all = pairs();
  assert.ok(all.filter((p) => p.args).length >= 60, 'args pairs');
  assert.ok(all.filter((p) => p.err).length >= 5, 'err pairs');
  // Guard against a vacuous comparison: the args side must hold what the corpus README lists.
  let backends = 0;
  let memoryDevices = 0;
  let vhost = 0;
  for (const pair of all) {
    if (!pair.args) continue;
    const facts = collectFromArgs(readFileSync(resolve(corpus, pair.args), 'utf8'));
    backends += facts.backends.length;
    memoryDevices += facts.memoryDevices.length;
    vhost += facts.vhost.length;
  }
  assert.ok(backends >= 80, `backends compared: ${backends}`);
  assert.ok(memoryDevices >= 15, `memory devices compared: ${memoryDevices}`);
  assert.ok(vhost >= 25, `vhost consumers compared: ${vhost}`);
});

for (const pair of pairs()) {
  if (pair.args) {
    const argsFile = pair.args;
    test(`corpus ${pair.name}: XML model agrees with libvirt's argv (independent reader)`, () => {
      const argsText = readFileSync(resolve(corpus, argsFile), 'utf8');
      const expected = collectFromArgs(argsText);
      const actual = xmlFacts(pair.name, readFileSync(resolve(corpus, pair.xml), 'utf8'), expected);
      assert.deepEqual(actual.backends, expected.backends, `${pair.name}: memory backends`);
      assert.deepEqual(actual.memoryDevices, expected.memoryDevices, `${pair.name}: memory devices`);
      assert.deepEqual(actual.vhost, expected.vhost, `${pair.name}: vhost consumers`);
    });
    test(`corpus ${pair.name}: XML model agrees with the QEMU front end's model of the argv`, () => {
      const argsText = readFileSync(resolve(corpus, argsFile), 'utf8');
      const qemu = parseQemuDocument(argsText, 'args');
      assert.equal(qemu.machines.length, 1, `${pair.name}: the QEMU front end finds the machine in the argv`);
      const expected = collectFromModel(qemu.machines[0]);
      const actual = xmlFacts(pair.name, readFileSync(resolve(corpus, pair.xml), 'utf8'), expected);
      assert.deepEqual(actual.backends, expected.backends, `${pair.name}: memory backends`);
      assert.deepEqual(actual.memoryDevices, expected.memoryDevices, `${pair.name}: memory devices`);
      assert.deepEqual(actual.vhost, expected.vhost, `${pair.name}: vhost consumers`);
    });
  } else if (pair.err) {
    const errFile = pair.err;
    test(`corpus ${pair.name}: libvirt's refusal is reported with its message`, () => {
      const expected = readFileSync(resolve(corpus, errFile), 'utf8').trim();
      const result = parseLibvirtDomain(readFileSync(resolve(corpus, pair.xml), 'utf8'));
      const messages = [...result.diagnostics, ...result.machines.flatMap((m) => m.diagnostics)].filter((d) => d.severity === 'error').map((d) => d.message);
      assert.ok(messages.length > 0, `${pair.name}: a diagnostic`);
      assert.ok(messages.includes(expected), `${pair.name}: expected "${expected}" among ${JSON.stringify(messages)}`);
    });
  }
}
