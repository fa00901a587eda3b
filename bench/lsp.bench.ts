// The language server over stdio (dist/server.js --stdio, spoken to by test/lsp/lsp-client.ts, the
// same bytes an editor sends): time from a change to its publishDiagnostics, and resident memory
// with 100 open documents. Run: node bench/run.mjs lsp   (after npm run build)
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LspTestClient } from '../test/lsp/lsp-client';
import { largeDomain, largeScript, typicalDomain, typicalScript } from './support/inputs';
import { ms, table, timeAsync, type Summary } from './support/stats';

/** server/src/server.ts `changeDelayMs` by default; MEMSLOT_CHANGE_DELAY_MS=0 turns it off. */
const serverDebounceMs = 200;

interface Doc {
  name: string;
  text: string;
  ext: 'sh' | 'xml';
}

const languageOf = (ext: Doc['ext']) => (ext === 'sh' ? 'shellscript' : 'xml');

const docs: Doc[] = [
  { name: 'typical script', text: typicalScript(), ext: 'sh' },
  { name: 'typical domain XML', text: typicalDomain(), ext: 'xml' },
  { name: '1 000-device command line', text: largeScript(), ext: 'sh' },
  { name: '20 000-line domain XML', text: largeDomain(), ext: 'xml' },
];

/** Where a character appended after the text's last newline goes (whitespace there changes no verdict). */
function endOf(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

/**
 * An open document, edited one keystroke at a time (an incremental didChange that types or
 * deletes one space after its last newline, as an editor sends it), to the publishDiagnostics for
 * that version. The server re-analyses every version (its cache is per version).
 */
async function changeLatency(client: LspTestClient, doc: Doc, tag: string, large: boolean): Promise<Summary> {
  const uri = `file:///bench/${tag}.${doc.ext}`;
  await client.open(uri, languageOf(doc.ext), doc.text, 1);
  await client.waitForDiagnostics(uri, (p) => p.version === 1, 0, 120_000);
  const end = endOf(doc.text);
  const summary = await timeAsync(async (index) => {
    const version = index + 2;
    const change = version % 2 === 0
      ? { range: { start: end, end }, text: ' ' }
      : { range: { start: end, end: { line: end.line, character: end.character + 1 } }, text: '' };
    const since = client.published.length;
    const start = performance.now();
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    await client.waitForDiagnostics(uri, (p) => p.version === version, since, 120_000);
    return performance.now() - start;
  }, large ? { minRuns: 3, maxRuns: 8, budgetMs: 3000 } : { minRuns: 10, maxRuns: 25, budgetMs: 4000 });
  await client.close(uri);
  return summary;
}

/** The server as shipped, or with its typing delay off, to measure analysis + stdio round trip alone. */
async function startServer(variant: 'dist' | 'no-debounce'): Promise<LspTestClient> {
  return LspTestClient.start(variant === 'no-debounce' ? { transport: 'stdio', changeDelayMs: 0 } : { transport: 'stdio' });
}

/** Median and p90 of every document's change latency on one server. */
async function latencies(variant: 'dist' | 'no-debounce'): Promise<Summary[]> {
  const client = await startServer(variant);
  try {
    const results: Summary[] = [];
    for (const [i, doc] of docs.entries()) results.push(await changeLatency(client, doc, `${variant}-${i}`, doc.text.length > 50_000));
    return results;
  } finally {
    await client.stop();
  }
}

function rssOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(/(\d+) kB/.exec(status.split('\n').find((line) => line.startsWith(`${field}:`)) ?? '')?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/** A fresh server, `set` opened one document each (unique URIs), every first publication awaited. */
async function memoryWith(set: Doc[]): Promise<{ before: number; after: number; hwm: number; openMs: number }> {
  const client = await startServer('dist');
  try {
    const pid = client.pid!;
    const before = rssOf(pid).rssMiB;
    const start = performance.now();
    const uris = set.map((doc, i) => `file:///bench/memory/${i}.${doc.ext}`);
    await Promise.all(set.map((doc, i) => client.open(uris[i]!, languageOf(doc.ext), doc.text)));
    for (const uri of uris) await client.waitForDiagnostics(uri, () => true, 0, 120_000);
    const openMs = performance.now() - start;
    // Let the server settle (pending GC, the last writes) before reading its resident set.
    await new Promise((done) => setTimeout(done, 500));
    const { rssMiB: after, hwmMiB: hwm } = rssOf(pid);
    return { before, after, hwm, openMs };
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const withDebounce = await latencies('dist');
  const withoutDebounce = await latencies('no-debounce');
  const latencyRows = docs.map((doc, i) => {
    const real = withDebounce[i]!;
    const zero = withoutDebounce?.[i];
    return [
      doc.name,
      `${real.runs}`, ms(real.median), ms(real.p90), ms(real.median - serverDebounceMs),
      `${zero.runs}`, ms(zero.median), ms(zero.p90), '< 50', zero.median < 50 ? 'met' : 'MISSED',
    ];
  });
  console.log(`LSP didChange → publishDiagnostics over stdio. dist/server.js waits ${serverDebounceMs} ms after a change (an open is analysed at once);`);
  console.log('"no debounce" is the same server started with MEMSLOT_CHANGE_DELAY_MS=0.');
  console.log(table(
    ['document', 'runs', 'dist/server.js median ms', 'p90 ms', 'median − debounce ms', 'runs', 'no-debounce median ms', 'p90 ms', 'target ms', 'target'],
    latencyRows,
    ['l'],
  ));

  const typicalMix = Array.from({ length: 100 }, (_, i) => docs[i % 2]!);
  const heavyMix = [...Array.from({ length: 96 }, (_, i) => docs[i % 2]!), ...Array.from({ length: 4 }, (_, i) => docs[2 + (i % 2)]!)];
  const memoryRows: string[][] = [];
  for (const [name, set] of [['100 typical (50 scripts + 50 domain XMLs)', typicalMix], ['96 typical + 2 × 1 000-device lines + 2 × 20 000-line XMLs', heavyMix]] as const) {
    const m = await memoryWith(set);
    memoryRows.push([name, m.before.toFixed(1), m.after.toFixed(1), m.hwm.toFixed(1), ms(m.openMs), '< 100', m.after < 100 ? 'met' : 'MISSED']);
  }
  console.log('\nServer memory (VmRSS of the server process from /proc/<pid>/status, 500 ms after the last first publication)');
  console.log(table(['open documents', 'RSS before MiB', 'RSS after MiB', 'peak (VmHWM) MiB', 'open all → all published ms', 'target MiB', 'target'], memoryRows, ['l']));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
