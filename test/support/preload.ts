import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A TypeScript preload (test/support/*-preload.ts) bundled into one CommonJS file, for
 * `node --require <file> dist/server.js`: it runs before the server's bundle, in the server's
 * process and in every worker thread the server starts (workers inherit the process's node options).
 */
export function bundlePreload(entry: string): string {
  // esbuild's API finds its binary beside itself, so it is loaded from node_modules at run time,
  // not bundled into the test.
  const esbuild = createRequire(resolve('package.json'))('esbuild') as typeof import('esbuild');
  const outfile = join(mkdtempSync(join(tmpdir(), 'memslot-preload-')), 'preload.js');
  esbuild.buildSync({ entryPoints: [resolve(entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return outfile;
}
