// Runs every benchmark: builds dist/ (the LSP and CLI benchmarks run dist/server.js and dist/cli.js),
// bundles bench/*.bench.ts with esbuild into out/bench/ and runs each with node, one after another.
// Usage: node bench/run.mjs [--no-build] [filter]   (filter: only bench files whose name contains it)
// Benchmarks report figures; none asserts a time. Not part of `npm test`.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const filter = args.find((arg) => !arg.startsWith('--')) ?? '';
// The cheap in-process benches first, the ones that spawn processes after.
const order = ['analysis', 'scaling', 'simulator', 'lsp', 'soak', 'cli', 'external'];
const rank = (file) => { const i = order.findIndex((name) => file.startsWith(name)); return i < 0 ? order.length : i; };
const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  .map((f) => join('bench', f));

const started = Date.now();
console.log(`# memslot benchmarks, ${new Date().toISOString()}`);
console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (!skipBuild) {
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('bench: building dist/ failed (run with --no-build to use the dist/ already there)');
    process.exit(result.status ?? 1);
  }
}
await build({ entryPoints: benches, outdir: 'out/bench', bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
let failed = 0;
for (const bench of benches) {
  const out = join('out', bench).replace(/\.ts$/, '.js');
  console.log(`\n## ${bench}\n`);
  const result = spawnSync(process.execPath, [out], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench: ${bench} failed (exit ${result.status ?? result.signal})`);
    failed++;
  }
}
console.log(`\n# done in ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(failed ? 1 : 0);
