// Bundles the extension-host test module (test/e2e/index.ts) and its suites
// (test/e2e/suite/*.test.ts) into out/e2e/. `vscode` comes from the host, and mocha stays
// external so that the runner and the suites share one instance (resolved from node_modules).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const suites = readdirSync('test/e2e/suite').filter((f) => f.endsWith('.test.ts')).map((f) => join('test/e2e/suite', f));
rmSync('out/e2e', { recursive: true, force: true });
await build({
  entryPoints: ['test/e2e/index.ts', ...suites],
  outdir: 'out/e2e',
  outbase: 'test/e2e',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`built out/e2e (${suites.length} suites)`);
