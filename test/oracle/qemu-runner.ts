import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { QmpClient, type QmpReply } from './qmp';

/**
 * Runs a real qemu-system-x86_64 on an argument list, paused, and reports what it did with memory
 * slots, observed from outside (trace events and QOM, no QMP command reports them):
 * - outcome: QMP answers `qmp_capabilities` (started) or the process exits first (refused);
 * - the refusing option and QEMU's message, from its `<binary>: <option> <value>: <message>` lines;
 * - KVM slots per address space, replayed from the `kvm_set_user_memory` trace (size 0 = delete);
 * - virtio-mem memslots, counted from the `memslot-N[0]` QOM children of each device's
 *   virtio-backend (mapped ⇔ the alias has a container).
 * The caller's argv says how QEMU runs (the oracle scenarios pass `-S -nodefaults -display none
 * -accel kvm`, so the simulator reads the same options); the runner only adds the QMP socket and
 * the trace log. QEMU is always killed; every wait is bounded by the run's deadline, and waits
 * are for conditions (QMP socket up, QMP answer, process exit), never fixed sleeps.
 */

export interface QemuRunOptions {
  /** Arguments after the binary; the runner appends -qmp, -D and -trace. */
  argv: string[];
  /** Private directory for the QMP socket and the trace log. */
  workDir: string;
  binary?: string;
  /** Bound for the whole run, start-up to exit. */
  timeoutMs?: number;
  /** QMP commands to run, in order, after the start-up observation (hot-plug). */
  steps?: QmpStep[];
  /** Bound for one step; a step that does not answer in time is reported as a hang. */
  stepTimeoutMs?: number;
  /**
   * Keep what QEMU wrote to stderr during each step (HMP commands report some errors there, not in
   * their output): after the answer, the runner waits until stderr has been quiet for a moment.
   */
  stderrPerStep?: boolean;
}

export interface QmpStep {
  execute: string;
  arguments?: Record<string, unknown>;
}

/** What QEMU answered to one step: nothing (success), an error description, or no answer. */
export interface StepResult {
  error?: string;
  hang?: boolean;
  /** What the command returned, e.g. the text an HMP command printed through `human-monitor-command`. */
  value?: unknown;
  /** With `stderrPerStep`: what QEMU wrote to stderr while the step ran. */
  stderr?: string;
}

/** QEMU writes stderr before it answers; this long without new bytes, the step's stderr is complete. */
const STDERR_QUIET_MS = 40;

export interface QemuMessage {
  /** The option QEMU blamed (`-device`), and its value as written, when the line names one. */
  option?: string;
  value?: string;
  /** The text after `<binary>: ` and the option location. */
  message: string;
  /** Lines printed right after it without the binary tag (error hints). */
  hints: string[];
}

export interface VirtioMemObservation {
  id: string;
  dynamicMemslots: boolean;
  memslots: number;
  mapped: number;
  /** Size of memslot 0 in bytes (dynamic-memslots=on only). */
  memslotSize?: number;
}

export interface QemuObservation {
  started: boolean;
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  /** The error QEMU died of (its last error line), if any. */
  error?: QemuMessage;
  errors: QemuMessage[];
  warnings: QemuMessage[];
  /** Live KVM slots per KVM address space at the time of observation (started runs only). */
  kvmSlots: Record<number, number>;
  kvmEnabled?: boolean;
  virtioMem: VirtioMemObservation[];
  qemuVersion?: string;
  /** One entry per step that ran (a hang ends the steps). */
  steps: StepResult[];
  /** Problems of the harness itself (timeouts, QMP failures while QEMU kept running). */
  harnessErrors: string[];
}

const TRACE_EVENTS = ['kvm_set_user_memory'];
const POLL_MS = 20;

export function qemuBinary(): string {
  return process.env.MEMSLOT_QEMU ?? 'qemu-system-x86_64';
}

/** The first line of `binary --version`, or undefined when it does not run. */
export function qemuVersion(binary = qemuBinary()): string | undefined {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return undefined;
  return result.stdout.split('\n')[0];
}

export async function runQemu(options: QemuRunOptions): Promise<QemuObservation> {
  const binary = options.binary ?? qemuBinary();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const qmpPath = join(options.workDir, 'qmp.sock');
  const tracePath = join(options.workDir, 'trace.log');
  const eventsPath = join(options.workDir, 'trace-events');
  writeFileSync(eventsPath, `${TRACE_EVENTS.join('\n')}\n`);
  const argv = [
    ...options.argv,
    '-qmp', `unix:${qmpPath},server=on,wait=off`,
    '-D', tracePath,
    '-trace', `events=${eventsPath}`,
  ];

  const observation: QemuObservation = {
    started: false, exitCode: null, signal: null, stderr: '', errors: [], warnings: [],
    kvmSlots: {}, virtioMem: [], steps: [], harnessErrors: [],
  };
  const child = spawn(binary, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    // A runaway QEMU (e.g. a reconnect loop) must not eat the test's memory.
    if (stderr.length < 256 * 1024) stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      observation.exitCode = code;
      observation.signal = signal;
      resolve();
    });
    child.once('error', (error) => {
      observation.harnessErrors.push(`spawn ${binary}: ${error.message}`);
      resolve();
    });
  });
  const stderrClosed = new Promise<void>((resolve) => child.stderr!.once('close', () => resolve()));
  let hasExited = false;
  void exited.then(() => { hasExited = true; });

  let qmp: { client: QmpClient; greeting: Record<string, unknown> } | undefined;
  try {
    qmp = await waitForQmp(qmpPath, deadline, () => hasExited);
    if (qmp) {
      const reply = await qmp.client.execute('qmp_capabilities', undefined, remaining(deadline));
      if (reply.return !== undefined) {
        observation.started = true;
        observation.qemuVersion = versionOf(qmp.greeting);
        const kvm = (await qmp.client.execute('query-kvm', undefined, remaining(deadline))).return as { enabled?: boolean } | undefined;
        observation.kvmEnabled = kvm?.enabled;
        for (const step of options.steps ?? []) {
          const bound = Math.min(options.stepTimeoutMs ?? 10_000, remaining(deadline));
          const stderrBefore = stderr.length;
          const reply = await qmp.client.execute(step.execute, step.arguments, bound).catch((error: Error) => error);
          if (reply instanceof Error) {
            if (hasExited) throw reply;
            observation.steps.push({ hang: true });
            break;
          }
          const result: StepResult = reply.error ? { error: reply.error.desc } : { value: reply.return };
          if (options.stderrPerStep) {
            for (let seen = -1; seen !== stderr.length;) {
              seen = stderr.length;
              await delay(STDERR_QUIET_MS);
            }
            result.stderr = stderr.slice(stderrBefore);
          }
          observation.steps.push(result);
        }
        // A hung QEMU (e.g. reconnecting to a vhost-user back-end forever) will not quit politely.
        if (observation.steps.some((s) => s.hang)) {
          child.kill('SIGKILL');
        } else {
          // Observed after the steps: the state a simulation with the same hot-plug list ends in.
          await observe(qmp.client, observation, deadline);
          observation.kvmSlots = liveKvmSlots(readTrace(tracePath));
          await qmp.client.execute('quit', undefined, remaining(deadline)).catch(() => undefined);
        }
      }
    } else if (!hasExited) {
      observation.harnessErrors.push('timed out waiting for the QMP socket');
    }
  } catch (error) {
    // QEMU exiting while we talk to it is an outcome; anything else is the harness's problem.
    await within(exited, Math.min(2000, remaining(deadline)));
    if (!hasExited) observation.harnessErrors.push(`QMP: ${(error as Error).message}`);
  } finally {
    qmp?.client.close();
    await within(exited, Math.max(0, Math.min(5000, remaining(deadline))));
    if (!hasExited) {
      child.kill('SIGKILL');
      await within(exited, 5000);
    }
    await within(stderrClosed, 2000);
  }
  observation.stderr = stderr;
  const messages = parseStderr(stderr, basename(binary), options.argv);
  observation.errors = messages.errors;
  observation.warnings = messages.warnings;
  observation.error = observation.started ? undefined : messages.errors[messages.errors.length - 1];
  return observation;
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promise` at most `ms`; the timer goes away as soon as the promise settles. */
function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })])
    .finally(() => clearTimeout(timer));
}

function versionOf(greeting: Record<string, unknown>): string | undefined {
  const qemu = (greeting.QMP as { version?: { qemu?: { major: number; minor: number; micro: number } } } | undefined)?.version?.qemu;
  return qemu ? `${qemu.major}.${qemu.minor}.${qemu.micro}` : undefined;
}

/** Waits until QMP accepts a connection (undefined if QEMU exits or the deadline passes first). */
async function waitForQmp(
  path: string, deadline: number, exited: () => boolean): Promise<{ client: QmpClient; greeting: Record<string, unknown> } | undefined> {
  while (!exited() && Date.now() < deadline) {
    if (existsSync(path)) {
      try {
        return await QmpClient.open(path, remaining(deadline));
      } catch {
        // The socket file appears before QEMU listens on it, or QEMU is on its way out.
      }
    }
    await delay(POLL_MS);
  }
  return undefined;
}

async function observe(client: QmpClient, observation: QemuObservation, deadline: number): Promise<void> {
  const run = (command: string, args?: Record<string, unknown>): Promise<QmpReply> =>
    client.execute(command, args, remaining(deadline));
  const peripherals = ((await run('qom-list', { path: '/machine/peripheral' })).return ?? []) as { name: string; type: string }[];
  for (const child of peripherals) {
    if (!child.type.startsWith('child<virtio-mem')) continue;
    const device = `/machine/peripheral/${child.name}`;
    const backend = (await run('qom-list', { path: `${device}/virtio-backend` })).return !== undefined ? `${device}/virtio-backend` : device;
    const dynamic = (await run('qom-get', { path: backend, property: 'dynamic-memslots' })).return === true;
    const children = ((await run('qom-list', { path: backend })).return ?? []) as { name: string }[];
    const aliases = children.map((c) => c.name).filter((name) => /^memslot-\d+\[\d+\]$/.test(name));
    let mapped = 0;
    let memslotSize: number | undefined;
    for (const alias of aliases) {
      const container = (await run('qom-get', { path: `${backend}/${alias}`, property: 'container' })).return;
      if (typeof container === 'string' && container !== '') mapped++;
      if (alias.startsWith('memslot-0[')) {
        const size = (await run('qom-get', { path: `${backend}/${alias}`, property: 'size' })).return;
        if (typeof size === 'number') memslotSize = size;
      }
    }
    // dynamic-memslots=off: the backend's RAM is mapped whole at plug, one memslot (docs/facts/virtio-mem.md#mapping).
    observation.virtioMem.push(dynamic
      ? { id: child.name, dynamicMemslots: true, memslots: aliases.length, mapped, ...(memslotSize === undefined ? {} : { memslotSize }) }
      : { id: child.name, dynamicMemslots: false, memslots: 1, mapped: 1 });
  }
}

function readTrace(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const KVM_SET_USER_MEMORY = /kvm_set_user_memory (?:AddrSpace#(\d+) )?Slot#(\d+) flags=0x[0-9a-f]+ gpa=0x[0-9a-f]+ size=0x([0-9a-f]+)\b.*\bret=(-?\d+)/;

/** Replays KVM_SET_USER_MEMORY_REGION calls: a non-zero size (re)defines a slot, size 0 deletes it. */
export function liveKvmSlots(trace: string): Record<number, number> {
  const slots = new Map<number, Set<number>>();
  for (const line of trace.split('\n')) {
    const match = KVM_SET_USER_MEMORY.exec(line);
    if (!match || match[4] !== '0') continue;
    const addressSpace = Number(match[1] ?? 0);
    const slot = Number(match[2]);
    const table = slots.get(addressSpace) ?? new Set<number>();
    slots.set(addressSpace, table);
    if (BigInt(`0x${match[3]}`) === 0n) table.delete(slot);
    else table.add(slot);
  }
  const counts: Record<number, number> = {};
  for (const [addressSpace, table] of slots) counts[addressSpace] = table.size;
  return counts;
}

/** Splits QEMU's stderr into errors and warnings, each with the option it names and its hint lines. */
export function parseStderr(
  stderr: string, binaryName: string, argv: readonly string[]): { errors: QemuMessage[]; warnings: QemuMessage[] } {
  const tag = `${binaryName}: `;
  const errors: QemuMessage[] = [];
  const warnings: QemuMessage[] = [];
  let last: QemuMessage | undefined;
  for (const line of stderr.split('\n')) {
    // An error in a -readconfig file is located by "<file>:<line>: " right after "<binary>:".
    const inConfig = new RegExp(`^${binaryName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:([^:\\s][^:]*):(\\d+): (.*)$`).exec(line);
    if (inConfig) {
      last = { option: '-readconfig', value: `${inConfig[1]}:${inConfig[2]}`, message: inConfig[3]!, hints: [] };
      errors.push(last);
      continue;
    }
    const at = line.indexOf(tag);
    if (at < 0) {
      if (last && line.trim() !== '') last.hints.push(line);
      continue;
    }
    let rest = line.slice(at + tag.length);
    const message: QemuMessage = { message: rest, hints: [] };
    // QEMU's location is "<option> <value>: " exactly as the option was written; take the longest match.
    let best = -1;
    for (let i = 0; i + 1 < argv.length; i++) {
      const location = `${argv[i]} ${argv[i + 1]}: `;
      if (argv[i]!.startsWith('-') && rest.startsWith(location) && location.length > best) {
        best = location.length;
        message.option = argv[i]!;
        message.value = argv[i + 1]!;
      }
    }
    // An option without a value, or one QEMU refuses as a whole: "<option>: " ("-no-acpi: invalid option").
    if (best < 0) {
      const option = argv.find((word) => word.startsWith('-') && rest.startsWith(`${word}: `));
      if (option) {
        best = option.length + 2;
        message.option = option;
      }
    }
    if (best > 0) rest = rest.slice(best);
    message.message = rest;
    if (rest.startsWith('warning: ')) {
      message.message = rest.slice('warning: '.length);
      warnings.push(message);
    } else {
      errors.push(message);
    }
    last = message;
  }
  return { errors, warnings };
}
