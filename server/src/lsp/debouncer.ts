/**
 * Runs at most one pending job per key: a new request for the same key replaces the one still
 * waiting, so a burst of keystrokes costs one analysis of the last text. A job is postponed at most
 * `maxWaitMs` after the first request it replaced, so fast typing still gets fresh diagnostics
 * every `maxWaitMs` instead of none until the typing stops.
 */
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Per key with a job waiting: when it must run at the latest. */
  private readonly deadlines = new Map<string, number>();

  constructor(private readonly delayMs: number, private readonly maxWaitMs = Math.max(delayMs, 1000)) {}

  schedule(key: string, job: () => void, delayMs: number = this.delayMs): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    const now = performance.now();
    const deadline = this.deadlines.get(key) ?? now + Math.max(delayMs, this.maxWaitMs);
    this.deadlines.set(key, deadline);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.deadlines.delete(key);
      job();
    }, Math.max(0, Math.min(delayMs, deadline - now))));
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
    this.deadlines.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.deadlines.clear();
  }
}
