import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as users do: a separate node process on dist/cli.js. */
export function runCli(args: string[], cwd?: string): CliRun {
  const result = spawnSync(process.execPath, [resolve('dist/cli.js'), ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
