// Bundles every test/**/*.test.ts with esbuild and runs them with node's built-in test runner.
// Usage: node scripts/run-tests.mjs [path-substring ...]  (default: all unit and lsp tests)
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
// End-to-end tests in a real VS Code have their own runner (scripts/e2e); oracle tests run here.
const excluded = ['test/e2e'];
function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}
const tests = collect('test').filter((path) =>
  filters.length ? filters.some((f) => path.includes(f)) : !excluded.some((e) => path.startsWith(e)));
if (tests.length === 0) {
  console.error('no test files matched');
  process.exit(2);
}
// A directory per run, so concurrent runs (several engineers, watch mode) never delete each other's bundles.
const outRoot = join('out', `test-${process.pid}`);
rmSync(outRoot, { recursive: true, force: true });
await build({
  entryPoints: tests,
  outdir: outRoot,
  outbase: 'test',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
// The watchdog's worker (dist/analysis-worker.js in the package), built from the same sources as the
// tests; servers and the CLI run in-process in tests find it through MEMSLOT_ANALYSIS_WORKER.
const worker = join(outRoot, 'analysis-worker.js');
await build({ entryPoints: ['server/src/watchdog/worker-main.ts'], outfile: worker, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
const outputs = tests.map((path) => join(outRoot, path.slice('test/'.length)).replace(/\.ts$/, '.js'));
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...outputs], {
  stdio: 'inherit',
  env: { ...process.env, MEMSLOT_ANALYSIS_WORKER: resolve(worker) },
});
rmSync(outRoot, { recursive: true, force: true });
process.exit(result.status ?? 1);
