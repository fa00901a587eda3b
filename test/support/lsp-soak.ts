import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CancellationTokenSource,
  type Diagnostic,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { LspTestClient } from '../lsp/lsp-client';
import { Random } from '../fuzz/random';
import { bundlePreload } from './preload';

/**
 * The LSP soak (issue 11): the built server (`dist/server.js --stdio`, a process of its own) with
 * 100 open documents of every kind memslot reads, edited 5,000 times from a seeded generator as an
 * editor sends keystrokes, with hovers, code actions, inlay hints, completion and reports in
 * between. It records every answer, every error, and the server's resident memory after the first
 * `markAfter` edits and at the end, each time in the same state: all documents open, each analysed
 * in its latest version, nothing pending, a full garbage collection just run in every thread
 * (test/support/gc-preload.ts). The young generation has a fixed size (V8 grows and shrinks it with
 * the allocation rate, which moved RSS by ~15 MiB between runs of the same edits); the old
 * generation, where anything kept accumulates, is as in production. Only the protocol, node's
 * options and /proc are used, nothing of the server's code.
 * test/lsp/soak.test.ts asserts on the result; bench/soak.bench.ts prints it.
 */

export interface SoakOptions {
  documents: number;
  edits: number;
  seed: number;
  /** Memory is read once after this many edits, then at the end. */
  markAfter: number;
}

export const soakDefaults: SoakOptions = { documents: 100, edits: 5000, seed: 20261202, markAfter: 500 };

export interface MemoryReading {
  /** Median VmRSS of five samples after a full GC, MiB. */
  rssMiB: number;
  /** VmHWM (peak RSS so far), MiB. */
  peakMiB: number;
  /** JavaScript heap (used + external) still held after the full GC, summed over the server's threads, MiB. */
  heapMiB: number;
  /** Threads that reported their heap (the server's main thread, and its workers if it has any). */
  threads: number;
  /** Characters in all open documents at that moment. */
  characters: number;
}

export interface SoakResult {
  options: SoakOptions;
  /** Open documents by kind (scripts and argument files, XML, hot-plug plans). */
  mix: Record<string, number>;
  edits: number;
  /** Requests answered (with a result or an expected error), by method. */
  answered: Record<string, number>;
  requests: number;
  /** Requests sent with invalid params (answered -32602) or cancelled (answered or -32800). */
  expectedErrors: number;
  unexpectedErrors: string[];
  publications: number;
  afterOpen: MemoryReading;
  atMark: MemoryReading;
  atEnd: MemoryReading;
  /** Whether the GC preload ran (else the readings include uncollected garbage). */
  gcForced: boolean;
  durationMs: number;
  /** Problems with the final diagnostics: a range outside its document, or a difference from a fresh server's. */
  finalProblems: string[];
  running: boolean;
  stderr: string;
}

interface Source {
  name: string;
  text: string;
}

interface OpenDocument {
  uri: string;
  languageId: string;
  original: string;
  document: TextDocument;
  kind: 'script' | 'xml' | 'plan-json' | 'plan-text';
}

const folder = '/memslot-soak/ws';

function languageOf(name: string): string {
  const extension = extname(name);
  if (extension === '.sh') return 'shellscript';
  if (extension === '.xml') return 'xml';
  if (extension === '.qmp' || extension === '.hmp') return 'qemu-hotplug';
  return 'qemu-args';
}

function filesIn(dir: string, extensions: string[]): Source[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.includes(extname(entry.name)))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Every `step`-th item, starting at `from`. */
function every<T>(items: T[], step: number, from = 0): T[] {
  return items.filter((_, index) => index % step === from);
}

const dimmQmp = (i: number) => [
  `{"execute": "object-add", "arguments": {"qom-type": "memory-backend-memfd", "id": "m${i}", "size": 1073741824, "share": true}}`,
  `{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "d${i}", "memdev": "m${i}"}}`,
];
const dimmHmp = (i: number) => [`object_add memory-backend-memfd,id=m${i},size=1G,share=on`, `device_add pc-dimm,id=d${i},memdev=m${i}`];

/**
 * The documents: QEMU scripts and argument files (examples/, the e2e workspace, libvirt's
 * generated .args), libvirt domain XML (examples/, libvirt's test corpus), other XML (a pom with a
 * licence header), the regression inputs, and hot-plug plans (QMP, HMP, device XML) whose
 * `memslot: vm` line names one of the open VM files. Some get CRLF line endings or a directive.
 */
function soakDocuments(count: number, random: Random): OpenDocument[] {
  const scripts = [
    ...filesIn('examples', ['.sh', '.qemu']),
    ...filesIn('test/fixtures/e2e-ws/qemu', ['.sh']),
    ...filesIn('test/fixtures/e2e-ws', ['.qemu']),
    ...filesIn('test/fixtures/e2e-ws/hotplug', ['.sh']),
    ...filesIn('test/fixtures/regressions', ['.sh']),
  ];
  const xml = [
    ...filesIn('examples', ['.xml']),
    ...filesIn('test/fixtures/e2e-ws/libvirt', ['.xml']),
    ...filesIn('test/fixtures/regressions', ['.xml']),
  ];
  const corpus = 'test/fixtures/libvirt-corpus';
  const args = every(filesIn(corpus, ['.args']), 2).map((source) => ({ ...source, name: source.name.replace(/\.x86_64-latest\.args$/, '.args') }));
  const domains = every(filesIn(corpus, ['.xml']), 2, 1);
  const plansWanted = 20;
  const sources = [...scripts, ...xml, ...args, ...domains].slice(0, count - plansWanted);
  const documents: OpenDocument[] = sources.map((source, index) => {
    const name = `${String(index).padStart(2, '0')}-${source.name}`;
    let text = source.text;
    const isXml = name.endsWith('.xml');
    if (index % 5 === 1) text = isXml ? text.replace(/^(<\?xml[^>]*\?>\n)?/, '$1<!-- memslot: vhost-user /run/*.sock=32 -->\n') : `# memslot: --vhost-user /run/*.sock=32\n${text}`;
    if (index % 7 === 3) text = text.replace(/\r?\n/g, '\r\n');
    const uri = `file://${folder}/${name}`;
    return { uri, languageId: languageOf(name), original: text, document: TextDocument.create(uri, languageOf(name), 1, text), kind: isXml ? 'xml' : 'script' };
  });
  const vmScripts = documents.filter((d) => d.kind === 'script' && /qemu-system/.test(d.original)).map((d) => d.uri.slice(`file://${folder}/`.length));
  const vmDomains = documents.filter((d) => d.kind === 'xml' && /<domain/.test(d.original)).map((d) => d.uri.slice(`file://${folder}/`.length));
  for (let i = 0; documents.length < count; i++) {
    const form = i % 4;
    const dimms = Array.from({ length: 2 + random.int(6) }, (_, k) => k);
    let name: string;
    let text: string;
    if (form === 3) {
      name = `plan-${i}.attach.xml`;
      const memory = "  <memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>";
      text = `<!-- memslot: vm ${random.pick(vmDomains)} -->\n<devices>\n${dimms.map(() => memory).join('\n')}\n</devices>\n`;
    } else {
      name = form === 2 ? `plan-${i}.hmp` : `plan-${i}.qmp`;
      text = [`# memslot: vm ${random.pick(vmScripts)}`, ...dimms.flatMap(form === 2 ? dimmHmp : dimmQmp)].join('\n') + '\n';
    }
    const uri = `file://${folder}/${name}`;
    const kind = form === 3 ? 'xml' : form === 2 ? 'plan-text' : 'plan-json';
    const languageId = languageOf(name);
    documents.push({ uri, languageId, original: text, document: TextDocument.create(uri, languageId, 1, text), kind });
  }
  return documents;
}

/** What a user types into each kind of document: pieces of the constructs memslot reads. */
const tokens: Record<OpenDocument['kind'], string[]> = {
  script: [' -device pc-dimm,id=dx,memdev=m0', ',share=on', 'G', '0', '1', ' \\\n  ', ' -object memory-backend-ram,id=mz,size=1G', ',slots=8,maxmem=64G',
    '"', "'", '$X', '# ', '\n', ' -chardev socket,id=cz,path=/run/vz.sock -device vhost-user-fs-pci,chardev=cz,tag=z', ',dynamic-memslots=on', '-m '],
  xml: ["<memory model='dimm'><target><size unit='GiB'>1</size></target></memory>", '</memory>', '<', '>', "'", '<!-- ', ' -->', " unit='GiB'", '&amp;',
    '\n', '4', "<maxMemory slots='16' unit='GiB'>64</maxMemory>", '<devices>', '</devices>'],
  'plan-json': ['{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "dz", "memdev": "m0"}}\n', '}', '"', '1', ',', '\n', 'device_del'],
  'plan-text': ['device_add pc-dimm,id=dz,memdev=m0\n', 'object_add memory-backend-ram,id=mz,size=1G\n', '1', ',', '\n', 'G'],
};

const position = (document: TextDocument, offset: number) => document.positionAt(Math.max(0, Math.min(offset, document.getText().length)));

/**
 * One burst of at most `max` edits on one document: keystrokes (one didChange each), or a line
 * deleted or duplicated, a number overtyped, the whole file reverted. Each change is applied to the
 * client's copy as it is made, so the next one is placed on the text as it is then.
 */
function editBurst(open: OpenDocument, random: Random, max: number): Array<{ version: number; change: TextDocumentContentChangeEvent }> {
  const sent: Array<{ version: number; change: TextDocumentContentChangeEvent }> = [];
  const apply = (change: TextDocumentContentChangeEvent) => {
    if (sent.length >= max) return;
    open.document = TextDocument.update(open.document, [change], open.document.version + 1);
    sent.push({ version: open.document.version, change });
  };
  const replace = (from: number, to: number, insert: string) => {
    apply({ range: { start: position(open.document, from), end: position(open.document, to) }, text: insert });
  };
  const text = open.document.getText();
  const length = text.length;
  const tooLong = length > open.original.length * 1.3 + 200;
  const tooShort = length < open.original.length * 0.7;
  const at = random.int(length + 1);
  const roll = random.next();
  if (roll < 0.02) {
    // "Revert file": the whole text at once.
    apply({ text: open.original });
  } else if (tooLong || (!tooShort && roll < 0.3)) {
    // Backspace, one keystroke at a time.
    const keystrokes = 1 + random.int(tooLong ? 40 : 8);
    for (let k = 0; k < keystrokes && at - k > 0; k++) replace(at - k - 1, at - k, '');
  } else if (roll < 0.4 && !tooShort) {
    const line = position(open.document, at).line;
    replace(open.document.offsetAt({ line, character: 0 }), open.document.offsetAt({ line: line + 1, character: 0 }), '');
  } else if (roll < 0.5) {
    // Duplicate a line (copy, paste).
    const line = position(open.document, at).line;
    const start = open.document.offsetAt({ line, character: 0 });
    const end = open.document.offsetAt({ line: line + 1, character: 0 });
    replace(end, end, text.slice(start, end) || '\n');
  } else if (roll < 0.65) {
    // Overtype the next number (a size, a count, an id).
    const match = /\d+/g;
    match.lastIndex = at;
    const found = match.exec(text) ?? /\d+/.exec(text);
    const value = String(random.pick([0, 1, 2, 8, 16, 32, 64, 256, 509, 4096, 65536, 1073741824]));
    if (found) replace(found.index, found.index + found[0].length, value);
    else replace(at, at, value);
  } else {
    // Type a token one character at a time (a long one in pieces, as pasted or completed).
    const token = random.pick(tokens[open.kind]);
    const step = token.length > 20 ? 1 + random.int(8) : 1;
    for (let i = 0; i < token.length; i += step) replace(at + i, at + i, token.slice(i, i + step));
  }
  if (sent.length === 0) replace(at, at, ' ');
  return sent;
}

/** The documents as they are now, to reproduce a failure (out/soak-failure/). */
function saveTexts(documents: OpenDocument[]): string {
  const dir = join('out', 'soak-failure');
  mkdirSync(dir, { recursive: true });
  for (const open of documents) writeFileSync(join(dir, open.uri.slice(open.uri.lastIndexOf('/') + 1)), open.document.getText());
  return dir;
}

function mixOf(documents: OpenDocument[]): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const open of documents) {
    const kind = open.uri.endsWith('.attach.xml') ? 'device XML plan' : open.languageId === 'qemu-hotplug' ? 'QMP/HMP plan'
      : open.kind === 'xml' ? 'XML' : open.languageId === 'shellscript' ? 'script' : 'argument file';
    mix[kind] = (mix[kind] ?? 0) + 1;
  }
  return mix;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** The last GC round's reports: heap bytes summed over the threads that answered. */
function heapAfterGc(log: string): { bytes: number; threads: number } {
  let lines: Array<{ round: number; heapUsed: number; external: number }> = [];
  try {
    lines = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { round: number; heapUsed: number; external: number });
  } catch {
    return { bytes: NaN, threads: 0 };
  }
  const last = Math.max(...lines.map((line) => line.round));
  const round = lines.filter((line) => line.round === last);
  return { bytes: round.reduce((sum, line) => sum + line.heapUsed + line.external, 0), threads: round.length };
}

function statusKiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((entry) => entry.startsWith(`${field}:`)) ?? '';
  return Number(/(\d+) kB/.exec(line)?.[1] ?? NaN);
}

function inside(range: Range, document: TextDocument): boolean {
  const lines = document.getText().split(/\r?\n/);
  const ok = (p: Range['start']) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line]!.length;
  return ok(range.start) && ok(range.end);
}

/** Runs the soak and returns its figures; throws only if the server cannot be started. */
export async function runSoak(options: SoakOptions = soakDefaults): Promise<SoakResult> {
  const random = new Random(options.seed);
  const documents = soakDocuments(options.documents, random);
  const preload = bundlePreload('test/support/gc-preload.ts');
  const gcLog = join(dirname(preload), 'gc.jsonl');
  const client = await LspTestClient.start({ transport: 'stdio', nodeArgs: ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16', '--require', preload], env: { MEMSLOT_TEST_GC_LOG: gcLog } });
  const pid = client.pid!;
  const started = performance.now();
  const answered: Record<string, number> = {};
  const unexpectedErrors: string[] = [];
  let requests = 0;
  let expectedErrors = 0;
  let edits = 0;
  /** Index in client.published of the last change sent to each document. */
  const lastChange = new Map<string, number>();
  const lastPublished = (uri: string): PublishDiagnosticsParams | undefined => {
    for (let i = client.published.length - 1; i >= 0; i--) if (client.published[i]!.uri === uri) return client.published[i];
    return undefined;
  };
  const gcForced = () => client.stderr.includes('memslot-test-gc armed');

  async function ask(method: string, params: unknown, expect: 'answer' | 'invalid' | 'cancel' = 'answer'): Promise<void> {
    requests++;
    const source = expect === 'cancel' ? new CancellationTokenSource() : undefined;
    const pending = client.connection.sendRequest(method, params, ...(source ? [source.token] : []));
    source?.cancel();
    try {
      const result = await pending;
      if (expect === 'invalid') unexpectedErrors.push(`${method} with invalid params answered ${JSON.stringify(result)}`);
      else if (expect === 'cancel') expectedErrors++;
      answered[method] = (answered[method] ?? 0) + 1;
    } catch (error) {
      const code = (error as { code?: number }).code;
      if ((expect === 'invalid' && code === -32602) || (expect === 'cancel' && code === -32800)) {
        expectedErrors++;
        answered[method] = (answered[method] ?? 0) + 1;
      } else {
        unexpectedErrors.push(`${method} ${JSON.stringify(params).slice(0, 200)}: ${String(code)} ${(error as Error).message}`);
      }
    }
  }

  /** Every document analysed in its latest version and published, then no publication for a while. */
  async function settle(): Promise<void> {
    for (const open of documents) {
      const since = lastChange.get(open.uri) ?? 0;
      const version = open.document.version;
      try {
        await client.waitForDiagnostics(open.uri, (p) => p.version === undefined || p.version === version, since, 30_000);
      } catch (error) {
        const errors = client.logs.filter((log) => log.type === 1).map((log) => log.message);
        const saved = saveTexts(documents);
        throw new Error(`${(error as Error).message.slice(0, 2000)}\ntext at version ${version}: ${JSON.stringify(open.document.getText())}\nserver errors: ${errors.join('\n')}\nall texts saved in ${saved}`);
      }
    }
    // Plans re-published after their VM changed, with their own (unchanged) version.
    for (let count = -1; count !== client.published.length;) {
      count = client.published.length;
      await sleep(500);
    }
  }

  async function memory(): Promise<MemoryReading> {
    await settle();
    let heap = { bytes: NaN, threads: 0 };
    if (gcForced()) {
      // Twice: what the first collection frees may hold the last references to more.
      for (let round = 0; round < 2; round++) {
        process.kill(pid, 'SIGUSR2');
        await sleep(250);
      }
      heap = heapAfterGc(gcLog);
    }
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      samples.push(statusKiB(pid, 'VmRSS'));
      await sleep(100);
    }
    samples.sort((a, b) => a - b);
    const characters = documents.reduce((sum, open) => sum + open.document.getText().length, 0);
    return { rssMiB: samples[2]! / 1024, peakMiB: statusKiB(pid, 'VmHWM') / 1024, heapMiB: heap.bytes / 2 ** 20, threads: heap.threads, characters };
  }

  let afterOpen: MemoryReading | undefined;
  let atMark: MemoryReading | undefined;
  try {
    for (const open of documents) {
      lastChange.set(open.uri, client.published.length);
      await client.open(open.uri, open.languageId, open.document.getText(), open.document.version);
    }
    afterOpen = await memory();
    let current = documents[0]!;
    while (edits < options.edits) {
      // Mostly stay in the same document, as a user does; sometimes switch.
      if (random.chance(0.4)) current = random.pick(documents);
      for (const { version, change } of editBurst(current, random, options.edits - edits)) {
        lastChange.set(current.uri, client.published.length);
        void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: current.uri, version }, contentChanges: [change] });
        edits++;
      }
      const { document } = current;
      const cursor = position(document, random.int(document.getText().length + 1));
      const uri = current.uri;
      const asked: Array<Promise<void>> = [];
      if (random.chance(0.7)) asked.push(ask('textDocument/hover', { textDocument: { uri }, position: cursor }));
      if (random.chance(0.5)) {
        const range = { start: { line: cursor.line, character: 0 }, end: { line: cursor.line + 1, character: 0 } };
        // As an editor does: the diagnostics on the cursor's line go with the request.
        const diagnostics = (lastPublished(uri)?.diagnostics ?? [])
          .filter((d: Diagnostic) => d.range.start.line <= cursor.line && d.range.end.line >= cursor.line);
        asked.push(ask('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } }));
      }
      if (random.chance(0.3)) {
        asked.push(ask('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } } }));
      }
      if (random.chance(0.3)) asked.push(ask('textDocument/completion', { textDocument: { uri }, position: cursor }));
      if (random.chance(0.05)) asked.push(ask('memslot/report', { uri }));
      if (random.chance(0.02)) asked.push(ask('textDocument/hover', { textDocument: { uri }, position: cursor }, 'cancel'));
      if (random.chance(0.005)) asked.push(ask('textDocument/hover', { textDocument: { uri } }, 'invalid'));
      await Promise.all(asked);
      if (!atMark && edits >= options.markAfter) atMark = await memory();
    }
    const atEnd = await memory();
    const durationMs = performance.now() - started;
    const finalProblems = await checkFinal(documents, lastPublished);
    return {
      options, mix: mixOf(documents), edits, answered, requests, expectedErrors, unexpectedErrors, publications: client.published.length,
      afterOpen, atMark: atMark ?? atEnd, atEnd, gcForced: gcForced(), durationMs, finalProblems,
      running: client.running, stderr: client.stderr,
    };
  } finally {
    await client.stop();
  }
}

/**
 * The final diagnostics: each document's last publication is for its latest version, its ranges lie
 * inside that text, and it equals what a fresh server publishes for the same texts (so no edit was
 * lost or misapplied on the way, and no state from earlier versions leaks into a result).
 */
async function checkFinal(
  documents: OpenDocument[],
  lastPublished: (uri: string) => PublishDiagnosticsParams | undefined,
): Promise<string[]> {
  const problems: string[] = [];
  const fresh = await LspTestClient.start();
  try {
    // VM files before the plans that name them, as the plans read the open VM text.
    const ordered = [...documents].sort((a, b) => Number(a.languageId === 'qemu-hotplug' || a.uri.endsWith('.attach.xml'))
      - Number(b.languageId === 'qemu-hotplug' || b.uri.endsWith('.attach.xml')));
    for (const open of ordered) {
      await fresh.open(open.uri, open.languageId, open.document.getText(), open.document.version);
      await fresh.waitForDiagnostics(open.uri, () => true, 0, 30_000);
    }
    for (const open of documents) {
      const soaked = lastPublished(open.uri);
      const expected = [...fresh.published].reverse().find((p) => p.uri === open.uri);
      if (!soaked) {
        problems.push(`${open.uri}: never published`);
        continue;
      }
      if (soaked.version !== undefined && soaked.version !== open.document.version) {
        problems.push(`${open.uri}: last publication is for version ${soaked.version}, the document is at ${open.document.version}`);
      }
      const outside = soaked.diagnostics.filter((d) => !inside(d.range, open.document));
      if (outside.length) problems.push(`${open.uri}: ranges outside the text: ${JSON.stringify(outside.map((d) => [d.code, d.range]))}`);
      // The rule page links differ by where the server runs from (dist/ links docs/rules/, a test bundle the web).
      const strip = (p: PublishDiagnosticsParams | undefined) => JSON.stringify(p?.diagnostics ?? null, (key, value: unknown) => (key === 'codeDescription' ? undefined : value));
      if (strip(soaked) !== strip(expected)) {
        problems.push(`${open.uri}: after the edits ${strip(soaked).slice(0, 300)}; a fresh server: ${strip(expected).slice(0, 300)}`);
      }
    }
  } finally {
    await fresh.stop();
  }
  return problems;
}
