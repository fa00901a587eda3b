import { appendFileSync } from 'node:fs';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

/**
 * Preloaded into a server started with `--expose-gc`: SIGUSR2 runs a full garbage collection in
 * the main thread and, through a BroadcastChannel, in every worker thread, so a memory reading
 * taken afterwards measures what the server keeps, not how much garbage it had not yet collected.
 * Each thread then appends what its heap still holds to MEMSLOT_TEST_GC_LOG (one JSON line per
 * thread and round). Nothing of the server's own code is involved.
 */
const collect = (globalThis as { gc?: () => void }).gc;
const log = process.env.MEMSLOT_TEST_GC_LOG;
const channel = new BroadcastChannel('memslot-test-gc');
// The channel must not keep a worker (or the server) alive.
channel.unref();

function collectAndReport(round: number): void {
  collect?.();
  const { heapUsed, external } = process.memoryUsage();
  if (log) appendFileSync(log, `${JSON.stringify({ round, threadId, heapUsed, external })}\n`);
}

if (collect) {
  if (isMainThread) {
    let round = 0;
    // The test reads this line to know the readings follow a collection.
    process.stderr.write('memslot-test-gc armed\n');
    process.on('SIGUSR2', () => {
      round++;
      collectAndReport(round);
      channel.postMessage(round);
    });
  } else {
    channel.onmessage = (event) => collectAndReport(Number((event as MessageEvent).data));
  }
}
