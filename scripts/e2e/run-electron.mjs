#!/usr/bin/env node
// Runs the same extension-host test module (out/e2e/index.js) in a desktop VS Code through
// @vscode/test-electron, as extension authors expect. Desktop VS Code is not on npm and its
// download host is unreachable on CI machines, so this needs one of:
//   VSCODE_EXECUTABLE=/path/to/code   a desktop VS Code (or its Electron binary) already here;
//   VSCODE_DOWNLOAD=1 [VSCODE_VERSION=1.100.3]   let test-electron download one (needs
//                                     update.code.visualstudio.com).
// Without either it stops at once with a message instead of hanging.
// Prints `N passed, N failed` last; exit 1 on failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(projectRoot, 'package.json'));
const fail = (message) => {
  console.error(`test:electron: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
};

const executable = process.env.VSCODE_EXECUTABLE;
const download = process.env.VSCODE_DOWNLOAD === '1';
if (!executable && !download) {
  fail('no desktop VS Code. Set VSCODE_EXECUTABLE=/path/to/code (e.g. /usr/share/code/code), or VSCODE_DOWNLOAD=1 ' +
    'where update.code.visualstudio.com is reachable. On machines without either, run `npm run test:e2e` ' +
    '(the same tests in code-server).');
}
if (executable && !fs.existsSync(executable)) fail(`VSCODE_EXECUTABLE=${executable} does not exist`);
// Build only once VS Code is known to be there, so the no-VS-Code case stays instant.
for (const [what, args] of [['npm run build', ['npm', 'run', '--silent', 'build']], ['build-e2e', [process.execPath, 'scripts/e2e/build-e2e.mjs']]]) {
  const r = spawnSync(args[0], args.slice(1), { cwd: projectRoot, stdio: 'inherit', timeout: 120_000 });
  if (r.status !== 0) fail(`${what} failed`);
}
const testsModule = path.join(projectRoot, 'out/e2e/index.js');

let runTests;
try {
  ({ runTests } = require('@vscode/test-electron'));
} catch {
  fail('@vscode/test-electron is not installed (npm install)');
}

// Scratch copy of the workspace and a fresh profile, as in the code-server runner.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'memslot-electron-'));
const ws = path.join(work, 'ws');
fs.cpSync(path.join(projectRoot, 'test/fixtures/e2e-ws'), ws, { recursive: true });

// test-electron forwards VS Code's output to our stdout; the suite's one-line JSON result is
// picked out of it for the closing summary.
let result;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const m = /memslot-e2e-result (\{.*\})/.exec(String(chunk));
  if (m) result = JSON.parse(m[1]);
  return write(chunk, ...rest);
};

const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 300_000);
const timer = setTimeout(() => fail(`no result within ${timeoutMs} ms`), timeoutMs);
let exitCode;
try {
  exitCode = await runTests({
    ...(executable ? { vscodeExecutablePath: executable } : { version: process.env.VSCODE_VERSION ?? '1.100.3' }),
    extensionDevelopmentPath: projectRoot,
    extensionTestsPath: testsModule,
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      `--user-data-dir=${path.join(work, 'ud')}`],
  });
} catch (error) {
  // runTests also rejects when the tests ran and failed; then the suite's result says more.
  clearTimeout(timer);
  fs.rmSync(work, { recursive: true, force: true });
  if (!result) fail(`VS Code did not run: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
}
clearTimeout(timer);
fs.rmSync(work, { recursive: true, force: true });
process.stdout.write = write;
const passed = result?.passed ?? 0;
const failed = result ? result.failed : 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1);
