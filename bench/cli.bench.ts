// CLI cold start to verdict: a new `node dist/cli.js --format json FILE` process per run, timed from
// spawn to exit, against `node -e 0` (node's own start-up) on the same machine in the same run.
// Run: node bench/run.mjs cli   (after npm run build)
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { relative } from 'node:path';
import { typicalDomainPath, typicalScriptPath } from './support/inputs';
import { ms, summarize, table } from './support/stats';

const runs = 15;

/** Wall time of `node args…` from spawn to exit, `runs` times after one unmeasured run. */
function coldStarts(args: string[]): { times: number[]; stdout: string; status: number | null } {
  let last = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - start);
  }
  return { times, stdout: last.stdout, status: last.status };
}

/** The simulator's verdict per machine, from the CLI's JSON report. */
function verdicts(stdout: string): string {
  try {
    const report = JSON.parse(stdout) as { files: Array<{ machines: Array<{ simulation?: { outcome?: string } }> }> };
    return report.files.flatMap((file) => file.machines.map((machine) => machine.simulation?.outcome ?? '?')).join(', ');
  } catch {
    return 'unreadable JSON';
  }
}

const rows: string[][] = [];
const node = summarize(coldStarts(['-e', '0']).times);
rows.push(['`node -e 0` (node start-up alone)', '–', '–', `${node.runs}`, ms(node.median), ms(node.p90), ms(node.min)]);
for (const path of [typicalScriptPath, typicalDomainPath]) {
  const file = relative(process.cwd(), path);
  const { times, stdout, status } = coldStarts(['dist/cli.js', '--format', 'json', file]);
  const s = summarize(times);
  rows.push([`\`node dist/cli.js --format json ${file}\``, verdicts(stdout), String(status), `${s.runs}`, ms(s.median), ms(s.p90), ms(s.min)]);
}
console.log(table(['command', 'verdict', 'exit', 'runs', 'median ms', 'p90 ms', 'min ms'], rows, ['l', 'l']));
