// Bundles bench/*.bench.ts with esbuild and runs each with node. Usage: node bench/run.mjs [filter]
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filter = process.argv[2] ?? '';
const benches = readdirSync('bench').filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).map((f) => join('bench', f));
await build({ entryPoints: benches, outdir: 'out/bench', bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
for (const bench of benches) {
  const out = join('out', bench).replace(/\.ts$/, '.js');
  console.log(`# ${bench}`);
  const result = spawnSync(process.execPath, [out], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
