import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusedDimms } from '../support/scaling-inputs';
import { runCli, runCliProcess } from './cli-helpers';

/**
 * The CLI's watchdog (`--timeout-ms`): each file is analysed in a worker thread within the budget; a
 * file past it is reported as not analysed (MS910) in every format, the other files in full, and the
 * exit status is 2. The slow input is real: 5 000 DIMMs that QEMU refuses.
 */

interface JsonFile {
  path: string;
  findings: Array<{ code: string; message: string; severity: string; range: { start: { line: number; character: number } } }>;
  machines: unknown[];
}

const dir = mkdtempSync(join(tmpdir(), 'memslot-cli-timeout-'));
const slow = join(dir, 'many-dimms.sh');
const slower = join(dir, 'more-dimms.sh');
const small = join(dir, 'small.sh');
writeFileSync(slow, refusedDimms(5000));
// Seconds of analysis: far past a budget that a one-line file meets even in a worker just started.
writeFileSync(slower, refusedDimms(20_000));
writeFileSync(small, 'qemu-system-x86_64 -m 4G -display none\n');
test.after(() => rmSync(dir, { recursive: true, force: true }));

function filesOf(stdout: string): Map<string, JsonFile> {
  const parsed = JSON.parse(stdout) as { files: JsonFile[] };
  return new Map(parsed.files.map((file) => [file.path, file]));
}

test('a file past --timeout-ms gets one MS910 finding and exit status 2; the other file is analysed in full', async () => {
  const run = await runCli(['--format', 'json', '--fail-on', 'none', '--timeout-ms', '400', slower, small]);
  assert.equal(run.status, 2);
  const files = filesOf(run.stdout);
  const dropped = files.get(slower);
  assert.deepEqual(dropped?.findings.map((finding) => finding.code), ['MS910']);
  assert.equal(dropped?.findings[0]?.message, 'Not analysed: analysis took longer than 400 ms (--timeout-ms).');
  assert.deepEqual(dropped?.machines, []);
  assert.equal(files.get(small)?.machines.length, 1, 'the small file has its machine');
  assert.equal(run.stderr, `memslot: ${slower}: not analysed: the analysis took longer than 400 ms\n`);
});

test('with the default budget, or none (--timeout-ms 0), the same file is analysed in full', async () => {
  for (const args of [[], ['--timeout-ms', '0']]) {
    const run = await runCli([...args, slow]);
    assert.equal(run.status, 1, `${args.join(' ')}: QEMU refuses the DIMMs (exit 1), ${run.stderr}`);
    assert.match(run.stdout, /many-dimms\.sh:\d+:\d+: error: .*\[MS006\]/, args.join(' '));
    assert.doesNotMatch(run.stdout, /MS910/, args.join(' '));
  }
});

test('text and SARIF report MS910 too', async () => {
  const text = await runCli(['--timeout-ms', '1', slow]);
  assert.equal(text.status, 2);
  assert.match(text.stdout, /many-dimms\.sh:1:1: warning: Not analysed: analysis took longer than 1 ms \(--timeout-ms\)\. \[MS910\]/);
  const sarif = await runCli(['--format', 'sarif', '--timeout-ms', '1', slow]);
  const log = JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
  assert.deepEqual(log.runs[0]?.results.map((result) => result.ruleId), ['MS910']);
});

test('--timeout-ms takes a whole number of milliseconds', async () => {
  for (const value of ['-1', '1.5', 'soon', '']) {
    const run = await runCli([`--timeout-ms=${value}`, small]);
    assert.equal(run.status, 2, value);
    assert.match(run.stderr, /^memslot: --timeout-ms must be a whole number of milliseconds/, value);
  }
  assert.match((await runCli(['--help'])).stdout, /--timeout-ms N/);
});

test('the built CLI (dist/cli.js) runs its analyses in dist/analysis-worker.js, with the budget', () => {
  const run = runCliProcess(['--format', 'json', '--timeout-ms', '1', slow]);
  assert.equal(run.status, 2, run.stderr);
  // Analysed in the CLI's own thread there would be no budget, and the DIMMs' machine.
  assert.deepEqual(filesOf(run.stdout).get(slow)?.findings.map((finding) => finding.code), ['MS910']);
});
