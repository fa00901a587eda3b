import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultHostProfile } from '../../server/src/simulator';
import { runJob, timeoutFinding } from '../../server/src/watchdog/job';
import { AnalysisPool } from '../../server/src/watchdog/pool';
import { refusedDimms } from '../support/scaling-inputs';

/**
 * The watchdog's jobs cross to a worker thread and back by structured clone, which drops functions
 * (or throws on them) and class prototypes: an analysis must stay plain data for hover, hints and
 * the report to read the same on either side.
 */

const samples = ['examples', 'test/fixtures/regressions'].flatMap((dir) =>
  readdirSync(dir).filter((name) => /\.(sh|qemu|xml)$/.test(name)).map((name) => join(dir, name)));

test('every analysis is plain data: a structured clone of it is deep-equal, prototypes included', () => {
  assert.ok(samples.length >= 8, samples.join(', '));
  for (const path of samples) {
    const analysis = runJob({ kind: 'document', text: readFileSync(path, 'utf8'), hint: { path }, options: { profile: defaultHostProfile() } });
    assert.deepStrictEqual(structuredClone(analysis), analysis, path);
    const vm = runJob({ kind: 'vm', path, text: readFileSync(path, 'utf8'), plans: [], options: { profile: defaultHostProfile() } });
    assert.deepStrictEqual(structuredClone(vm), vm, path);
  }
});

test('MS910 lies on the first line, never past its end (CRLF, a lone CR, an empty file)', () => {
  for (const [text, end] of [['qemu\r\n-m 1G', 4], ['ab\rcd', 2], ['', 0], ['\n', 0], ['one line', 8]] as const) {
    const finding = timeoutFinding(text, 5, '--timeout-ms');
    assert.deepEqual(finding.range, { start: { line: 0, character: 0 }, end: { line: 0, character: end } }, JSON.stringify(text));
    assert.equal(finding.code, 'MS910');
  }
});

test('a queued job replaced by a newer one with the same key is superseded; the newer one runs', async () => {
  const pool = new AnalysisPool({ script: process.env.MEMSLOT_ANALYSIS_WORKER, maxWorkers: 1 });
  try {
    assert.ok(pool.usesWorkers, 'the test runner builds the worker (MEMSLOT_ANALYSIS_WORKER)');
    const job = (text: string) => ({ kind: 'document' as const, text, hint: { path: 'vm.sh' }, options: { profile: defaultHostProfile() } });
    // The one worker is still starting, or busy with the first job: the next two wait in the queue.
    const busy = pool.run(job(refusedDimms(200)), 0, 'other');
    const older = pool.run(job('qemu-system-x86_64 -m 1G\n'), 0, 'vm');
    const newer = pool.run(job('qemu-system-x86_64 -m 2G\n'), 0, 'vm');
    assert.deepEqual(await older, { status: 'superseded' });
    assert.equal((await newer).status, 'done');
    assert.equal((await busy).status, 'done');
  } finally {
    pool.dispose();
  }
});

test('a job past its budget times out, its worker is replaced, and the next job is done', async () => {
  const pool = new AnalysisPool({ script: process.env.MEMSLOT_ANALYSIS_WORKER, maxWorkers: 1 });
  try {
    const job = (text: string) => ({ kind: 'document' as const, text, hint: { path: 'vm.sh' }, options: { profile: defaultHostProfile() } });
    assert.equal((await pool.run(job(refusedDimms(5000)), 1)).status, 'timeout');
    const next = await pool.run(job('qemu-system-x86_64 -m 1G\n'), 0);
    assert.equal(next.status, 'done');
    assert.equal(next.status === 'done' ? next.value.machines.length : -1, 1);
  } finally {
    pool.dispose();
  }
});
