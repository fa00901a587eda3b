import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../../server/src/cli';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's `main` in this process (its analyses in worker threads), capturing what it writes: fast, for most tests. */
export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; } });
  return { status, stdout, stderr };
}

/** Runs the built CLI as users do, a separate node process on dist/cli.js: for the smoke tests. */
export function runCliProcess(args: string[], cwd?: string): CliRun {
  // The built CLI finds its own dist/analysis-worker.js, not the test runner's build of it.
  const { MEMSLOT_ANALYSIS_WORKER: _testWorker, ...env } = process.env;
  const result = spawnSync(process.execPath, [resolve('dist/cli.js'), ...args], { encoding: 'utf8', cwd, env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
