import { performance } from 'node:perf_hooks';

/** Order statistics of a sample of timings (ms). Benchmarks report them; nothing asserts them. */
export interface Summary {
  runs: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { runs: sorted.length, median: at(0.5), p90: at(0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * Times single synchronous calls: warm up for `warmMs`, then time calls for at least `measureMs`
 * (and at least `minRuns`, at most `maxRuns`). GC pauses inside a call count, as they do for a user.
 */
export function timeSync(
  run: () => unknown, options: { warmMs?: number; measureMs?: number; minRuns?: number; maxRuns?: number } = {}): Summary {
  // At least one warm-up call, so the first timed call does not pay for compiling the code.
  const warmUntil = performance.now() + (options.warmMs ?? 300);
  do run(); while (performance.now() < warmUntil);
  const times: number[] = [];
  const until = performance.now() + (options.measureMs ?? 1000);
  const minRuns = options.minRuns ?? 5;
  const maxRuns = options.maxRuns ?? 100_000;
  while (times.length < maxRuns && (times.length < minRuns || performance.now() < until)) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return summarize(times);
}

/** `1.234` with enough digits for sub-millisecond figures. */
export function ms(value: number): string {
  if (value < 1) return value.toFixed(3);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** A Markdown table, so the output pastes straight into bench/README.md. */
export function table(header: string[], rows: string[][], align: Array<'l' | 'r'> = []): string {
  const rule = header.map((_, i) => (align[i] === 'l' ? '---' : '---:'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/**
 * Times `run` one call after another until `budgetMs` is spent (at least `minRuns`, at most
 * `maxRuns` calls), so a slow input costs a few runs, not minutes.
 */
export async function timeAsync(
  run: (index: number) => Promise<number>, options: { minRuns: number; maxRuns: number; budgetMs: number }): Promise<Summary> {
  const times: number[] = [];
  const until = performance.now() + options.budgetMs;
  while (times.length < options.maxRuns && (times.length < options.minRuns || performance.now() < until)) {
    times.push(await run(times.length));
  }
  return summarize(times);
}
