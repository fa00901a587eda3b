#!/usr/bin/env node
// Runs memslot's end-to-end tests in a real VS Code: a throw-away code-server
// (VS Code's server, web workbench and Node extension host) on 127.0.0.1,
// driven by Debian's chromium through playwright-core.
//
//   node scripts/e2e/run-vscode.mjs tests [--ext .] [--tests out/e2e/index.js] [--ws test/fixtures/e2e-ws] [--env K=V]...
//       integration tests inside the extension host: the workbench opens with the
//       `payload` URL parameter (extensionDevelopmentPath, extensionTestsPath), the
//       same contract as @vscode/test-electron; the result comes back through
//       window.codeAutomationExit and the host's console through codeAutomationLog.
//   node scripts/e2e/run-vscode.mjs ui --vsix memslot.vsix [--ws ...] [--script test/e2e/ui.mjs]
//       installs the packaged extension and runs a Playwright script against the
//       workbench (env CS_URL, WS_DIR, ARTIFACTS for the script).
//
// The workspace is copied to a temporary folder, so tests may edit files freely.
// code-server runs in its own process group, stopped as a whole at the end (its
// extension host and language server would otherwise outlive the browser by
// hours). Every step has a timeout. The closing line is always `N passed, N failed`.
//
// env: CS_DIR (default /opt/memslot-e2e/code-server-4.100.3), CHROMIUM
// (default /usr/bin/chromium), E2E_TIMEOUT_MS (whole run, default 300000),
// ARTIFACTS (default test-results/e2e), VERBOSE=1 (echo the page console).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';

const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const t0 = Date.now();
const log = (...a) => console.log(`[run-vscode +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

// ---- arguments -------------------------------------------------------------
const [mode, ...rest] = process.argv.slice(2);
if (mode !== 'tests' && mode !== 'ui') usage(`unknown mode ${mode ?? '(none)'}`);
const opts = { ext: '.', tests: 'out/e2e/index.js', ws: 'test/fixtures/e2e-ws', script: 'test/e2e/ui.mjs', vsix: undefined, env: [] };
for (let i = 0; i < rest.length; i++) {
  const key = rest[i].replace(/^--/, '');
  const value = rest[++i];
  if (!(key in opts) || value === undefined) usage(`bad argument ${rest[i - 1]}`);
  if (key === 'env') opts.env.push(value); else opts[key] = value;
}
if (mode === 'ui' && !opts.vsix) usage('ui mode needs --vsix FILE');

function usage(why) {
  console.error(`run-vscode: ${why}\nusage: run-vscode.mjs tests [--ext DIR] [--tests MODULE] [--ws DIR] [--env K=V]\n       run-vscode.mjs ui --vsix FILE [--ws DIR] [--script FILE.mjs]`);
  console.log('0 passed, 1 failed');
  process.exit(2);
}

const CS_DIR = process.env.CS_DIR ?? '/opt/memslot-e2e/code-server-4.100.3';
const CS_BIN = path.join(CS_DIR, 'node_modules/.bin/code-server');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOTAL_TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 300_000);
const ARTIFACTS = path.resolve(process.env.ARTIFACTS ?? path.join(projectRoot, 'test-results/e2e'));
for (const [what, file] of [['code-server', CS_BIN], ['chromium', CHROMIUM]]) {
  if (!fs.existsSync(file)) {
    console.error(`${what} not found at ${file}: run 'bash scripts/e2e/install-code-server.sh' (as root) first`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
fs.mkdirSync(ARTIFACTS, { recursive: true });

// ---- cleanup, whatever happens ---------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'memslot-e2e-'));
let codeServer;      // ChildProcess, leader of its own process group
let browser;         // playwright BrowserContext
let uiChild;         // ChildProcess of the UI script
let finished = false;

async function finish(passed, failed, note) {
  if (finished) return;
  finished = true;
  if (note) log(note);
  if (uiChild && uiChild.exitCode === null) try { process.kill(-uiChild.pid, 'SIGKILL'); } catch { /* gone */ }
  if (browser) await withTimeout(browser.close(), 10_000, 'closing chromium').catch(() => {});
  await stopCodeServer();
  if (process.env.KEEP_WORK !== '1') fs.rmSync(work, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

async function stopCodeServer() {
  if (!codeServer) return;
  const group = -codeServer.pid;
  const alive = () => { try { process.kill(group, 0); return true; } catch { return false; } };
  try { process.kill(group, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + 5_000;
  while (alive() && Date.now() < deadline) await delay(100);
  if (alive()) try { process.kill(group, 'SIGKILL'); } catch { /* gone */ }
  if (process.env.KEEP_LOGS !== undefined) copyLogs();
}

function copyLogs() {
  const dest = path.join(ARTIFACTS, `code-server-logs-${mode}`);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(path.join(work, 'ud/logs'), dest, { recursive: true, force: true });
  fs.copyFileSync(path.join(work, 'code-server.log'), path.join(dest, 'code-server.log'));
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms); }),
  ]);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void finish(0, 1, `interrupted by ${signal}`));
process.on('uncaughtException', (e) => void finish(0, 1, `error: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => void finish(0, 1, `error: ${e?.stack ?? e}`));
setTimeout(() => void finish(0, 1, `whole run exceeded E2E_TIMEOUT_MS=${TOTAL_TIMEOUT}`), TOTAL_TIMEOUT).unref();

// ---- code-server -------------------------------------------------------------
const wsCopy = path.join(work, 'ws');
fs.cpSync(path.resolve(opts.ws), wsCopy, { recursive: true });
fs.mkdirSync(path.join(work, 'ud/User'), { recursive: true });
fs.mkdirSync(path.join(work, 'exts'));
fs.writeFileSync(path.join(work, 'ud/User/settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'files.hotExit': 'off',
  'git.enabled': false,
}, null, 2));
const csArgs = ['--config', '/dev/null', '--user-data-dir', path.join(work, 'ud'), '--extensions-dir', path.join(work, 'exts')];

if (mode === 'ui') {
  const vsix = path.resolve(opts.vsix);
  const r = spawnSync(CS_BIN, [...csArgs, '--install-extension', vsix], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) await finish(0, 1, `--install-extension ${vsix} failed:\n${r.stdout}${r.stderr}`);
  log(`installed ${path.basename(vsix)}: ${r.stdout.trim().split('\n').pop()}`);
}

const port = await freePort();
const extraEnv = Object.fromEntries(opts.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const csLog = fs.openSync(path.join(work, 'code-server.log'), 'w');
// detached: a new session and process group (setsid), so one kill reaches the
// extension host, the language server and the file watcher too.
codeServer = spawn(CS_BIN, [...csArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'],
{ detached: true, stdio: ['ignore', csLog, csLog], env: { ...process.env, ...extraEnv } });
codeServer.on('exit', (code, signal) => { if (!finished) void finish(0, 1, `code-server exited early (${code ?? signal}):\n${tail(path.join(work, 'code-server.log'))}`); });

const base = `http://127.0.0.1:${port}`;
await waitFor(async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok, 60_000, 'code-server /healthz');
log(`code-server ${CS_DIR.split('-').pop()} ready on ${base} (pgid ${codeServer.pid})`);

// ---- chromium ----------------------------------------------------------------
// The UI script owns its browser; the tests mode drives one here.
if (mode === 'ui') {
  const script = path.resolve(opts.script);
  uiChild = spawn(process.execPath, [script], {
    detached: true, stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env, CS_URL: base, WS_DIR: wsCopy, ARTIFACTS, CHROMIUM, PROJECT_ROOT: projectRoot,
      // For the script's own checks: the settings file it may edit (theme), and the code-server
      // and extensions dir the .vsix went into (to prove what runs is the installed package).
      USER_SETTINGS: path.join(work, 'ud/User/settings.json'), CS_BIN, CS_ARGS: JSON.stringify(csArgs),
      VSIX: path.resolve(opts.vsix),
    },
  });
  let summary;
  uiChild.stdout.on('data', (d) => {
    process.stdout.write(d);
    for (const m of String(d).matchAll(/^(\d+) passed, (\d+) failed/gm)) summary = [Number(m[1]), Number(m[2])];
  });
  const code = await new Promise((r) => uiChild.on('exit', (c) => r(c ?? 1)));
  if (!summary) await finish(0, 1, `UI script exited with ${code} without a summary line`);
  await finish(summary[0], summary[1] + (code !== 0 && summary[1] === 0 ? 1 : 0));
} else {
  const { chromium } = createRequire(path.join(projectRoot, 'package.json'))('playwright-core');
  browser = await chromium.launchPersistentContext(path.join(work, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p).split(path.sep).map(encodeURIComponent).join('/')}`;
  const payload = [
    ['extensionDevelopmentPath', remote(opts.ext)],
    ['extensionTestsPath', remote(opts.tests)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  let exitCode;
  const exited = new Promise((r) => { exitCode = r; });
  let result; // {passed, failed, pending} reported by test/e2e/index.ts
  // The workbench's own chatter (connection set-up, the unreachable extension gallery).
  const workbenchNoise = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore|getaddrinfo ENOTFOUND open-vsx\.org)|^\s+at .*https?:\/\/127\.0\.0\.1:/s;
  // Both before goto: the workbench looks for them while it starts.
  await page.exposeFunction('codeAutomationExit', (code) => exitCode(code));
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    const m = /memslot-e2e-result (\{.*\})/.exec(line);
    if (m) result = JSON.parse(m[1]);
    else if (process.env.VERBOSE === '1' || !workbenchNoise.test(line)) console.log(line);
  });
  if (process.env.VERBOSE === '1') page.on('console', (m) => console.log(`[page:${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log('pageerror:', String(e).slice(0, 300)));
  page.on('crash', () => exitCode('page crashed'));
  const url = `${base}/?folder=${encodeURIComponent(remote(wsCopy))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url, { timeout: 60_000 });
  const remaining = TOTAL_TIMEOUT - (Date.now() - t0) - 15_000;
  const code = await withTimeout(exited, remaining, 'waiting for the extension host tests (is the payload honoured?)')
    .catch((e) => e.message);
  log(`extension host finished with ${code}`);
  if (code !== 0) await page.screenshot({ path: path.join(ARTIFACTS, 'integration-failure.png') }).catch(() => {});
  if (!result) await finish(0, 1, 'the extension host reported no result (see the log above)');
  // Every feature the tests cover exists now: a skipped or body-less test is a hole, counted as failed.
  if (result.pending) log(`${result.pending} pending test(s): counted as failed`);
  await finish(result.passed, result.failed + result.pending + (code !== 0 && result.failed === 0 ? 1 : 0));
}

// ---- helpers -----------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
  });
}

async function waitFor(condition, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(200);
  }
}

function tail(file) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n'); } catch { return ''; }
}
