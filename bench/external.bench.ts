// Side by side, in the same run: memslot against the two things a user would otherwise run.
// - The typical script's argv given to real QEMU (under KVM) with our fake vhost-user back-end
//   offering 32 memslots: QEMU's own time from start to refusal, against memslot's verdict on the
//   same script (in process, and as a CLI cold start).
// - `xmllint --noout --relaxng domain.rng` (libvirt's schema, read from ../shared at run time) on
//   the typical and the 20 000-line domain XML, against memslot on the same files.
// Run: node bench/run.mjs external   (after npm run build)
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { allFindings, analyzeText } from '../server/src/analysis';
import { splitCommandLine } from '../test/oracle/command-line';
import { startFakeVhostUser } from '../test/oracle/fake-vhost-user';
import { largeDomain, typicalDomain, typicalDomainPath, typicalScript } from './support/inputs';
import { ms, summarize, table, timeSync, type Summary } from './support/stats';

const qemu = process.env.MEMSLOT_QEMU ?? '/usr/bin/qemu-system-x86_64';
const schema = resolve(process.cwd(), '../shared/schemas/libvirt/domain.rng');
const scriptSocket = '/tmp/vu.sock';
const rows: string[][] = [];
const notes: string[] = [];

function row(tool: string, input: string, result: string, s: Summary): void {
  rows.push([tool, input, result, `${s.runs}`, ms(s.median), ms(s.p90), ms(s.min)]);
}

/** memslot's verdict and codes for a text, and the in-process analysis time. */
function memslotInProcess(text: string, path: string): { result: string; time: Summary } {
  const analysis = analyzeText(text, { path });
  const codes = [...new Set(allFindings(analysis).map((finding) => finding.code))].join(' ');
  const result = `${analysis.machines.map((machine) => machine.simulation?.outcome ?? '?').join(', ')}${codes ? ` (${codes})` : ''}`;
  const large = text.length > 50_000;
  const loop = large ? { warmMs: 0, measureMs: 0, minRuns: 3 } : { warmMs: 200, measureMs: 800, minRuns: 10 };
  return { result, time: timeSync(() => analyzeText(text, { path }), loop) };
}

/** `node dist/cli.js --format json file`, spawn to exit, `runs` times after one unmeasured run. */
function memslotCli(file: string, runs: number): { result: string; time: Summary } {
  const args = ['dist/cli.js', '--format', 'json', file];
  let last = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    times.push(performance.now() - start);
  }
  let result = `exit ${last.status}`;
  try {
    const report = JSON.parse(last.stdout) as { files: Array<{ machines: Array<{ simulation?: { outcome?: string } }> }> };
    result = `${report.files.flatMap((f) => f.machines.map((m) => m.simulation?.outcome ?? '?')).join(', ')}, exit ${last.status}`;
  } catch {
    // keep the exit status alone
  }
  return { result, time: summarize(times) };
}

/**
 * The QEMU invocation of the typical script as argv: everything after the binary, without
 * `-drive` (its image does not exist here and QEMU opens drives before it creates devices) and
 * `-serial mon:stdio` (stdio is not a terminal here), plus `-S` so a QEMU that did start runs no
 * guest code.
 */
function qemuArgv(script: string): string[] {
  const start = script.search(/^qemu-system-x86_64\b/m);
  const words = splitCommandLine(script.slice(start)).slice(1);
  const argv: string[] = ['-S'];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-drive' || words[i] === '-serial') { i++; continue; }
    argv.push(words[i]!);
  }
  return argv;
}

/** One QEMU run: spawn to exit (or to the timeout, then killed). */
function runQemuOnce(argv: string[], timeoutMs: number): Promise<{ ms: number; exited: boolean; stderr: string }> {
  return new Promise((done) => {
    const start = performance.now();
    const child = spawn(qemu, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => { if (stderr.length < 64 * 1024) stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done({ ms: performance.now() - start, exited: signal === null, stderr });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      done({ ms: performance.now() - start, exited: false, stderr: String(error) });
    });
  });
}

function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function qemuSideBySide(dir: string): Promise<void> {
  const socket = join(dir, 'vu.sock');
  const script = typicalScript().split(scriptSocket).join(socket);
  const scriptFile = join(dir, 'virtio-mem-then-vhost-user-fs.sh');
  writeFileSync(scriptFile, script);

  const inProcess = memslotInProcess(script, scriptFile);
  row('memslot, in process (parse + simulate + rules)', 'typical script', inProcess.result, inProcess.time);
  const cli = memslotCli(scriptFile, 10);
  row('memslot CLI, cold start (`node dist/cli.js --format json`)', 'typical script', cli.result, cli.time);

  if (!existsSync(qemu)) { notes.push(`QEMU skipped: ${qemu} not found (set MEMSLOT_QEMU)`); return; }
  if (!kvmUsable()) { notes.push('QEMU skipped: /dev/kvm missing or not usable'); return; }
  const version = spawnSync(qemu, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const backend = await startFakeVhostUser({ socketPath: socket, maxMemSlots: 32 });
  try {
    let argv = qemuArgv(script);
    // Unmeasured: loads the binary and its libraries into the page cache.
    const first = await runQemuOnce(argv, 15_000);
    if (!first.exited && argv.includes('host')) {
      // Some nested KVM hosts abort `-cpu host` while creating the vCPU (before any -device), on
      // MSR_IA32_ARCH_CAPABILITIES; test/oracle/host-profile.ts falls back the same way.
      notes.push(`-cpu host aborted here (${first.stderr.trim().split('\n').pop() ?? ''}); QEMU ran with -cpu host,-arch-capabilities`);
      argv = argv.map((word) => (word === 'host' ? 'host,-arch-capabilities' : word));
      await runQemuOnce(argv, 15_000);
    }
    const times: number[] = [];
    let last = { ms: 0, exited: false, stderr: '' };
    for (let i = 0; i < 7; i++) {
      last = await runQemuOnce(argv, 15_000);
      times.push(last.ms);
    }
    const message = last.stderr.split('\n').find((line) => line.includes('memory slots')) ?? last.stderr.split('\n')[0] ?? '';
    const result = last.exited ? `refused: ${message.replace(/^.*?: -device [^:]*: /, '').slice(0, 90)}…` : 'did not exit within 15 s (killed): no refusal';
    row(`real QEMU (${version.replace('QEMU emulator version ', '')}, KVM), fake vhost-user back-end with 32 memslots`, 'same argv', result, summarize(times));
    notes.push(`QEMU argv (the script's, minus -drive and -serial, plus -S): ${qemu} ${argv.join(' ')}`);
    notes.push(`QEMU said: ${last.stderr.trim().split('\n').filter((line) => !line.includes('warning:')).join(' / ')}`);
    notes.push(`fake back-end saw ${backend.connections.length} connections; the last one asked ${backend.connections.at(-1)?.join(', ') ?? 'nothing'}`);
  } finally {
    await backend.close();
  }
}

function xmllintSideBySide(dir: string): void {
  const large = join(dir, 'large-domain.xml');
  writeFileSync(large, largeDomain());
  const inputs = [
    { name: 'typical domain XML', file: typicalDomainPath, text: typicalDomain(), runs: 15 },
    { name: '20 000-line domain XML', file: large, text: largeDomain(), runs: 5 },
  ];
  const hasXmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).error === undefined;
  for (const input of inputs) {
    if (!hasXmllint) notes.push(`xmllint skipped for ${input.name}: not installed (Debian: apt-get install libxml2-utils)`);
    else if (!existsSync(schema)) notes.push(`xmllint skipped for ${input.name}: ${schema} is absent`);
    else {
      const args = ['--noout', '--relaxng', schema, input.file];
      let last = spawnSync('xmllint', args, { encoding: 'utf8' });
      const times: number[] = [];
      for (let i = 0; i < input.runs; i++) {
        const start = performance.now();
        last = spawnSync('xmllint', args, { encoding: 'utf8' });
        times.push(performance.now() - start);
      }
      const verdict = last.status === 0 ? 'valid (shape only)' : `invalid: ${last.stderr.split('\n')[0]?.slice(0, 80)}`;
      row('`xmllint --noout --relaxng domain.rng`', input.name, verdict, summarize(times));
    }
    const inProcess = memslotInProcess(input.text, input.file);
    row('memslot, in process (parse + simulate + rules)', input.name, inProcess.result, inProcess.time);
    const cli = memslotCli(input.file, input.runs > 5 ? 10 : 3);
    row('memslot CLI, cold start (`node dist/cli.js --format json`)', input.name, cli.result, cli.time);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'memslot-bench-'));
  try {
    await qemuSideBySide(dir);
    xmllintSideBySide(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(table(['what runs', 'input', 'result', 'runs', 'median ms', 'p90 ms', 'min ms'], rows, ['l', 'l', 'l']));
  for (const note of notes) console.log(`\nnote: ${note}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
