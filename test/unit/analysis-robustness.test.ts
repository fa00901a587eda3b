import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeText, internalErrorCode, type DocumentAnalysis } from '../../server/src/analysis';

/**
 * The whole pipeline (front end, directives, simulator, rules) on text being typed: every prefix
 * and seeded random edits of real documents must give findings, never an exception and never an
 * internal error (MS999, which is how a crash inside one step surfaces).
 */

const corpus = resolve(process.cwd(), 'test/fixtures/libvirt-corpus');

function documents(): Array<{ path: string; text: string }> {
  const found = readdirSync('examples').map((name) => join('examples', name));
  // A spread of corpus pairs: virtio-mem, vhost-user, NUMA, hugepages, VFIO (all vendored; a missing one is an error).
  for (const name of ['memory-hotplug-virtio-mem', 'disk-vhostuser', 'fd-memory-numa-topology', 'hugepages-nvdimm', 'hostdev-vfio']) {
    for (const suffix of ['.xml', '.x86_64-latest.args']) found.push(join(corpus, name + suffix));
  }
  return found.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

function internalErrors(analysis: DocumentAnalysis): string[] {
  const all = [...analysis.findings, ...analysis.machines.flatMap((machine) => machine.findings)];
  return all.filter((finding) => finding.code === internalErrorCode).map((finding) => finding.message);
}

function check(text: string, path: string, what: string): void {
  let analysis: DocumentAnalysis;
  try {
    analysis = analyzeText(text, { path });
  } catch (error) {
    assert.fail(`${path} ${what}: analyzeText threw ${error instanceof Error ? error.stack : String(error)}`);
  }
  assert.deepEqual(internalErrors(analysis), [], `${path} ${what}`);
}

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const fragments = ['\n', '\\\n', '"', "'", ',', '=', ',,', '{', '}', '<', '>', '/>', '</', '-device ', '-object ', '$X', '#', '<!--', '0', 'G'];

test('every prefix of real documents goes through the whole pipeline without an internal error', () => {
  const docs = documents();
  assert.ok(docs.length >= 5);
  for (const { path, text } of docs) {
    const step = Math.max(1, Math.floor(text.length / 150));
    for (let end = 0; end <= text.length; end += step) check(text.slice(0, end), path, `prefix of ${end} characters`);
  }
});

test('seeded random edits of real documents go through the whole pipeline without an internal error', () => {
  for (const { path, text } of documents()) {
    const next = random(text.length);
    for (let round = 0; round < 60; round++) {
      let mutated = text;
      for (let edit = 0; edit < 3; edit++) {
        const at = Math.floor(next() * (mutated.length + 1));
        if (next() < 0.5) {
          mutated = mutated.slice(0, at) + fragments[Math.floor(next() * fragments.length)] + mutated.slice(at);
        } else {
          mutated = mutated.slice(0, at) + mutated.slice(at + 1 + Math.floor(next() * 20));
        }
      }
      check(mutated, path, `random edit round ${round}`);
    }
  }
});
