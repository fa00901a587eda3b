// The language server over stdio (dist/server.js --stdio, spoken to by test/lsp/lsp-client.ts, the
// same bytes an editor sends): time from a change to its publishDiagnostics, and resident memory
// with 100 open documents. Run: node bench/run.mjs lsp   (after npm run build)
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LspTestClient } from '../test/lsp/lsp-client';
import { largeDomain, largeScript, typicalDomain, typicalScript } from './support/inputs';
import { ms, summarize, table } from './support/stats';

/** server/src/server.ts `changeDelayMs`: a constant, with no setting or environment variable to change it. */
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
 * Without the debounce: didOpen of a document the server has not seen, to its publishDiagnostics.
 * The server validates an opened document with delay 0, through the same analysis and publish
 * path as a change, so this is analysis + the round trip over stdio (and the text's transfer).
 */
async function openLatency(client: LspTestClient, doc: Doc, runs: number, tag: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const uri = `file:///bench/${tag}-${i}.${doc.ext}`;
    const since = client.published.length;
    const start = performance.now();
    await client.open(uri, languageOf(doc.ext), doc.text);
    await client.waitForDiagnostics(uri, () => true, since, 60_000);
    times.push(performance.now() - start);
    await client.close(uri);
  }
  return times;
}

/**
 * With the debounce: an open document, edited one keystroke at a time (an incremental didChange
 * that types or deletes one space at its end, as an editor sends it), to the publishDiagnostics
 * for that version. Includes the server's fixed 200 ms debounce.
 */
async function changeLatency(client: LspTestClient, doc: Doc, runs: number, tag: string): Promise<number[]> {
  const uri = `file:///bench/${tag}.${doc.ext}`;
  await client.open(uri, languageOf(doc.ext), doc.text, 1);
  await client.waitForDiagnostics(uri, (p) => p.version === 1, 0, 60_000);
  const end = endOf(doc.text);
  const times: number[] = [];
  for (let version = 2; version < runs + 2; version++) {
    const typed = version % 2 === 0;
    const change = typed
      ? { range: { start: end, end }, text: ' ' }
      : { range: { start: end, end: { line: end.line, character: end.character + 1 } }, text: '' };
    const since = client.published.length;
    const start = performance.now();
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    await client.waitForDiagnostics(uri, (p) => p.version === version, since, 60_000);
    times.push(performance.now() - start);
  }
  await client.close(uri);
  return times;
}

function rssOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(/(\d+) kB/.exec(status.split('\n').find((line) => line.startsWith(`${field}:`)) ?? '')?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/** A fresh server, `set` opened one document each (unique URIs), every first publication awaited. */
async function memoryWith(set: Doc[]): Promise<{ before: number; after: number; hwm: number; openMs: number }> {
  const client = await LspTestClient.start();
  try {
    const pid = client.process.pid!;
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
  const latencyRows: string[][] = [];
  const client = await LspTestClient.start();
  try {
    // Warm the server's JIT on every input first, as an editor session would be.
    for (const [i, doc] of docs.entries()) await openLatency(client, doc, 3, `warm${i}`);
    for (const [i, doc] of docs.entries()) {
      const large = doc.text.length > 50_000;
      const open = summarize(await openLatency(client, doc, large ? 15 : 40, `open${i}`));
      const change = summarize(await changeLatency(client, doc, large ? 8 : 12, `edit${i}`));
      latencyRows.push([
        doc.name,
        `${open.runs}`, ms(open.median), ms(open.p90),
        `${change.runs}`, ms(change.median), ms(change.p90), ms(change.median - serverDebounceMs),
      ]);
    }
  } finally {
    await client.stop();
  }
  console.log(`LSP latency, dist/server.js --stdio (server debounce: ${serverDebounceMs} ms, fixed in server.ts; no setting or env var changes it)`);
  console.log(table(
    ['document', 'didOpen runs', 'didOpen → publish median ms (no debounce)', 'p90 ms', 'didChange runs', 'didChange → publish median ms (with debounce)', 'p90 ms', 'median − debounce ms'],
    latencyRows,
    ['l'],
  ));

  const typicalMix = Array.from({ length: 100 }, (_, i) => docs[i % 2]!);
  const heavyMix = [...Array.from({ length: 90 }, (_, i) => docs[i % 2]!), ...Array.from({ length: 10 }, (_, i) => docs[2 + (i % 2)]!)];
  const memoryRows: string[][] = [];
  for (const [name, set] of [['100 typical (50 scripts + 50 domain XMLs)', typicalMix], ['90 typical + 5 × 1 000-device lines + 5 × 20 000-line XMLs', heavyMix]] as const) {
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
