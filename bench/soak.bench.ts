// The LSP soak of test/lsp/soak.test.ts, with its figures printed: dist/server.js --stdio, 100 open
// documents, 5,000 seeded random edits with requests in between; memory after the first 500 edits
// and at the end (after a full GC in every server thread). Run: node bench/run.mjs soak
import { runSoak, soakDefaults, type MemoryReading } from '../test/support/lsp-soak';
import { table } from './support/stats';

async function main(): Promise<void> {
  const result = await runSoak(soakDefaults);
  const answered = Object.values(result.answered).reduce((sum, n) => sum + n, 0);
  console.log(`${soakDefaults.documents} documents (${Object.entries(result.mix).map(([kind, n]) => `${n} ${kind}`).join(', ')}), `
    + `${result.edits} edits from seed ${soakDefaults.seed}, ${(result.durationMs / 1000).toFixed(1)} s`);
  console.log(`requests: ${result.requests} sent, ${answered} answered (${result.expectedErrors} expected errors: invalid params or cancelled), `
    + `${result.unexpectedErrors.length} unexpected errors; ${result.publications} publications; server ${result.running ? 'still running' : 'EXITED'}; `
    + `final diagnostics ${result.finalProblems.length === 0 ? 'equal a fresh server\'s' : `differ: ${result.finalProblems.length} documents`}`);
  console.log(table(['request', 'answered'], Object.entries(result.answered).map(([method, n]) => [method, String(n)]), ['l']));
  const row = (name: string, m: MemoryReading) =>
    [name, m.rssMiB.toFixed(1), m.peakMiB.toFixed(1), m.heapMiB.toFixed(1), String(m.threads), String(m.characters)];
  console.log(`\nServer memory${result.gcForced ? ' after a full GC in every thread' : ' (GC preload did not run: garbage included)'}:`);
  console.log(table(['when', 'VmRSS MiB (median of 5)', 'VmHWM MiB', 'heap used + external MiB', 'threads', 'characters open'], [
    row('after opening the documents', result.afterOpen),
    row(`after ${soakDefaults.markAfter} edits`, result.atMark),
    row(`after ${result.edits} edits`, result.atEnd),
  ], ['l']));
  const ratio = (a: number, b: number) => `${(a / b).toFixed(3)} (${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(1)} %)`;
  console.log(`\nend / after ${soakDefaults.markAfter} edits: RSS ${ratio(result.atEnd.rssMiB, result.atMark.rssMiB)}, heap ${ratio(result.atEnd.heapMiB, result.atMark.heapMiB)}; limit 1.2`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
