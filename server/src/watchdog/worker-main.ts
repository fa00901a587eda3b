import { parentPort } from 'node:worker_threads';
import { runJob, type AnalysisJob } from './job';

/** dist/analysis-worker.js: runs the watchdog's jobs (watchdog/pool.ts), one at a time. */
const port = parentPort;
if (port) {
  port.on('message', ({ id, job }: { id: number; job: AnalysisJob }) => {
    try {
      port.postMessage({ type: 'result', id, value: runJob(job) });
    } catch (error) {
      // A failure to clone the result lands here as well as one in the analysis itself.
      port.postMessage({ type: 'error', id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  port.postMessage({ type: 'ready' });
}
