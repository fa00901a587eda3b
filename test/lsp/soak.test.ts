import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak, soakDefaults } from '../support/lsp-soak';

/**
 * The LSP soak (issue 11): the built server over stdio, 100 open documents, 5,000 seeded random
 * edits with hovers, code actions, inlay hints, completion and reports in between
 * (test/support/lsp-soak.ts). The server stays up, answers every request, publishes diagnostics
 * equal to a fresh server's for the final texts, and keeps its memory: RSS after the run within
 * 20 % of RSS after the first 500 edits, both read in the same settled state after a full GC, and
 * so is what its heaps still hold.
 * bench/soak.bench.ts prints the same figures.
 */

test(`LSP soak: ${soakDefaults.documents} documents, ${soakDefaults.edits} edits, requests interleaved`, { timeout: 240_000 }, async () => {
  const result = await runSoak(soakDefaults);
  const figures = `RSS after open ${result.afterOpen.rssMiB.toFixed(1)} MiB, after ${soakDefaults.markAfter} edits ${result.atMark.rssMiB.toFixed(1)} MiB, `
    + `at the end ${result.atEnd.rssMiB.toFixed(1)} MiB (peak ${result.atEnd.peakMiB.toFixed(1)}); heap after GC ${result.afterOpen.heapMiB.toFixed(1)}, `
    + `${result.atMark.heapMiB.toFixed(1)}, ${result.atEnd.heapMiB.toFixed(1)} MiB (${result.atEnd.threads} threads); ${result.requests} requests, `
    + `${result.publications} publications, ${(result.durationMs / 1000).toFixed(1)} s`;
  console.log(`soak: ${figures}`);
  assert.ok(result.running, `the server exited; stderr: ${result.stderr}`);
  assert.equal(result.edits, soakDefaults.edits);
  assert.deepEqual(result.unexpectedErrors, []);
  const answered = Object.values(result.answered).reduce((sum, n) => sum + n, 0);
  assert.equal(answered, result.requests, 'every request answered');
  for (const method of ['textDocument/hover', 'textDocument/codeAction', 'textDocument/inlayHint', 'textDocument/completion', 'memslot/report']) {
    assert.ok((result.answered[method] ?? 0) > 0, `${method} was asked`);
  }
  assert.ok(result.expectedErrors > 0, 'invalid and cancelled requests were among them');
  assert.deepEqual(result.finalProblems, []);
  assert.ok(result.gcForced, `the GC preload ran; stderr: ${result.stderr}`);
  // The documents are about as long at both readings (edits are balanced), so memory should be too.
  assert.ok(result.atEnd.characters < result.atMark.characters * 1.5, `document text grew: ${result.atMark.characters} → ${result.atEnd.characters}`);
  const ratio = result.atEnd.rssMiB / result.atMark.rssMiB;
  assert.ok(ratio <= 1.2, `RSS grew by ${((ratio - 1) * 100).toFixed(1)} % between edit ${soakDefaults.markAfter} and the end: ${figures}`);
  // RSS includes node's own ~50 MiB and pages V8 keeps: what the heaps still hold after a full GC
  // is the sharper measure (keeping every analysis ever made grows it by ~70 %, RSS by ~15 %).
  assert.equal(result.atEnd.threads, result.atMark.threads, 'the same threads reported both times');
  const heapRatio = result.atEnd.heapMiB / result.atMark.heapMiB;
  assert.ok(heapRatio <= 1.2, `the heap after GC grew by ${((heapRatio - 1) * 100).toFixed(1)} %: ${figures}`);
});
