import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { runJob, type AnalysisJob, type JobResults } from './job';

/**
 * The watchdog: runs analyses in worker threads so a slow one never holds up the adapter's thread
 * (hover, other documents, the CLI's other files), and gives each a time budget. A worker past its
 * budget is terminated (it may be stuck in a loop that never yields) and replaced; the caller gets
 * 'timeout' and reports MS910.
 *
 * Without the worker script (a test bundle that did not build it), jobs run in this thread, one at a
 * time and without a budget: slower to respond, never wrong.
 */

/**
 * The worker script beside the running bundle (dist/server.js and dist/cli.js both sit next to
 * dist/analysis-worker.js); the test runner, whose bundles sit elsewhere, names its own build in
 * MEMSLOT_ANALYSIS_WORKER.
 */
export function bundledWorkerScript(): string {
  return process.env.MEMSLOT_ANALYSIS_WORKER || join(__dirname, 'analysis-worker.js');
}

export type JobOutcome<T> =
  | { status: 'done'; value: T; elapsedMs: number }
  | { status: 'timeout'; elapsedMs: number }
  /** The worker died (out of memory, a crash in the runtime) or the result could not be sent back. */
  | { status: 'failed'; error: string }
  /** A newer job with the same key was queued before this one started: nobody needs its result. */
  | { status: 'superseded' };

export interface PoolOptions {
  /** dist/analysis-worker.js; undefined or missing: jobs run in this thread. */
  script: string | undefined;
  maxWorkers: number;
}

interface Task {
  id: number;
  job: AnalysisJob;
  budgetMs: number;
  key: string | undefined;
  settle(outcome: JobOutcome<unknown>): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task?: Task;
  started?: number;
  timer?: NodeJS.Timeout;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: string };

const stopped = 'the analysis service stopped';
/** node fires a longer timer at once: a budget of weeks is as good as none. */
const longestTimerMs = 2 ** 31 - 1;

/** A runaway allocation ends the worker (reported as failed), not the server. */
const workerHeapMb = 1024;

export class AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private disposed = false;
  /** Whether jobs run in worker threads (with a budget) or in this thread. */
  readonly usesWorkers: boolean;

  constructor(private readonly options: PoolOptions) {
    this.usesWorkers = options.script !== undefined && existsSync(options.script);
  }

  /** Runs `job` within `budgetMs` (0 or less: no budget); `key` lets a newer job replace a queued one. */
  run<K extends AnalysisJob['kind']>(job: AnalysisJob & { kind: K }, budgetMs: number, key?: string): Promise<JobOutcome<JobResults[K]>> {
    if (this.disposed) return Promise.resolve({ status: 'failed', error: stopped });
    if (!this.usesWorkers) return Promise.resolve(runHere(job) as JobOutcome<JobResults[K]>);
    return new Promise((resolve) => {
      if (key !== undefined) {
        for (const queued of this.queue.filter((task) => task.key === key)) {
          this.queue.splice(this.queue.indexOf(queued), 1);
          queued.settle({ status: 'superseded' });
        }
      }
      this.queue.push({ id: this.nextId++, job, budgetMs, key, settle: resolve as (outcome: JobOutcome<unknown>) => void });
      this.pump();
    });
  }

  /** Ends every worker; queued and running jobs settle as failed. */
  dispose(): void {
    this.disposed = true;
    for (const task of this.queue.splice(0)) task.settle({ status: 'failed', error: stopped });
    for (const slot of this.slots.splice(0)) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.task?.settle({ status: 'failed', error: stopped });
      void slot.worker.terminate();
    }
  }

  /** Hands queued jobs to ready idle workers, starting workers (up to the maximum) for the rest. */
  private pump(): void {
    if (this.disposed) return;
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.ready && !slot.task) this.start(slot, this.queue.shift() as Task);
    }
    const starting = this.slots.filter((slot) => !slot.ready).length;
    for (let wanted = this.queue.length - starting; wanted > 0 && this.slots.length < this.options.maxWorkers; wanted--) this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(this.options.script as string, { resourceLimits: { maxOldGenerationSizeMb: workerHeapMb } });
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    // Only a busy worker keeps the process alive: an idle pool never holds up a CLI run or a test's exit.
    worker.unref();
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        slot.ready = true;
        this.pump();
      } else if (slot.task?.id === message.id) {
        this.finish(slot, message.type === 'result'
          ? { status: 'done', value: message.value, elapsedMs: performance.now() - (slot.started ?? 0) }
          : { status: 'failed', error: message.error });
      }
    });
    worker.on('error', (error) => this.lose(slot, error instanceof Error ? error.message : String(error)));
    worker.on('exit', (code) => this.lose(slot, `the analysis worker exited with code ${code}`));
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    slot.started = performance.now();
    slot.worker.ref();
    if (task.budgetMs > 0) {
      slot.timer = setTimeout(() => {
        // Dropped from the pool first, so its exit event finds nothing to report.
        this.remove(slot);
        void slot.worker.terminate();
        task.settle({ status: 'timeout', elapsedMs: performance.now() - (slot.started ?? 0) });
        // The replacement starts now, so the next job does not wait for a cold worker.
        if (this.slots.length < this.options.maxWorkers) this.spawn();
        this.pump();
      }, Math.min(task.budgetMs, longestTimerMs));
    }
    slot.worker.postMessage({ id: task.id, job: task.job });
  }

  private finish(slot: Slot, outcome: JobOutcome<unknown>): void {
    const task = slot.task;
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = undefined;
    slot.timer = undefined;
    slot.worker.unref();
    task?.settle(outcome);
    this.pump();
  }

  /** A worker that died: its job fails, and a new worker takes over the queue. */
  private lose(slot: Slot, error: string): void {
    if (!this.slots.includes(slot)) return;
    this.remove(slot);
    if (slot.timer) clearTimeout(slot.timer);
    slot.task?.settle({ status: 'failed', error });
    void slot.worker.terminate();
    this.pump();
  }

  private remove(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
  }
}

function runHere(job: AnalysisJob): JobOutcome<unknown> {
  const started = performance.now();
  try {
    return { status: 'done', value: runJob(job), elapsedMs: performance.now() - started };
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}
