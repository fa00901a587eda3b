import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import type { MemslotReport } from '../../server/src/protocol';
import { refusedDimms, undeclaredBackends } from '../support/scaling-inputs';
import { LspTestClient } from './lsp-client';

/**
 * The watchdog over the real protocol: analyses run in worker threads with a time budget
 * (`memslot.analysis.timeoutMs`), so a slow document never holds up hover on another one, a
 * document past its budget gets one MS910 finding, and the server goes on serving. The slow input
 * is real: thousands of DIMMs that QEMU refuses, a few hundred milliseconds of genuine analysis.
 */

const slowText = refusedDimms(5000);
const smallText = readFileSync(resolve('examples/virtio-mem-then-vhost-user-fs.sh'), 'utf8');

/** A client whose settings the test changes; resolves once the server has applied the first pull. */
async function startWith(settings: { analysis: { timeoutMs: number }; trace?: { server: string } }, transport?: 'stdio'): Promise<LspTestClient> {
  const client = await LspTestClient.start({ settings: () => settings, ...(transport ? { transport } : {}) });
  // One profile line when the server starts, one when it applied the pulled settings.
  await waitFor(() => client.logs.filter((entry) => entry.message.startsWith('host profile')).length >= 2, client);
  return client;
}

async function waitFor(condition: () => boolean, client: LspTestClient): Promise<void> {
  await client.waitForLog(() => condition(), 30_000);
}

function publicationsOf(client: LspTestClient, uri: string): PublishDiagnosticsParams[] {
  return client.published.filter((params) => params.uri === uri);
}

test('a hover on another document is answered while a slow document is still being analysed', async () => {
  const client = await startWith({ analysis: { timeoutMs: 120_000 }, trace: { server: 'verbose' } });
  try {
    const small = 'file:///tmp/memslot-watchdog/small.sh';
    const slow = 'file:///tmp/memslot-watchdog/slow.sh';
    await client.open(small, 'shellscript', smallText, 1);
    await client.waitForDiagnostics(small, (params) => params.version === 1);

    await client.open(slow, 'shellscript', slowText, 1);
    await client.waitForLog((message) => message.startsWith(`analysing ${slow} v1`), 30_000);
    const lines = smallText.split('\n');
    const line = lines.findIndex((candidate) => candidate.includes('-device vhost-user-fs-pci'));
    const position = { line, character: lines[line].indexOf('-device vhost-user-fs-pci') };
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: small }, position });
    const slowPublishedBeforeHover = publicationsOf(client, slow).length;

    assert.ok(hover && JSON.stringify(hover.contents).length > 0, 'the hover on the small document has content');
    assert.equal(slowPublishedBeforeHover, 0, 'the hover was answered before the slow analysis finished');
    const published = await client.waitForDiagnostics(slow, (params) => params.version === 1, 0, 120_000);
    assert.ok(published.diagnostics.some((diagnostic) => diagnostic.code === 'MS006'),
      `the slow document was analysed in full: ${JSON.stringify(published.diagnostics.map((diagnostic) => diagnostic.code))}`);
  } finally {
    await client.stop();
  }
});

test('past its budget a document gets one MS910 finding; the server goes on, and re-analyses on a raised budget or an edit', async () => {
  const settings = { analysis: { timeoutMs: 1 }, trace: { server: 'off' } };
  const client = await startWith(settings);
  try {
    const slow = 'file:///tmp/memslot-watchdog/slow.sh';
    await client.open(slow, 'shellscript', slowText, 1);
    const timedOut = await client.waitForDiagnostics(slow, (params) => params.version === 1, 0, 60_000);
    assert.deepEqual(timedOut.diagnostics.map((diagnostic) => diagnostic.code), ['MS910']);
    const [finding] = timedOut.diagnostics;
    assert.match(finding.message, /^Not analysed: analysis took longer than 1 ms \(memslot\.analysis\.timeoutMs\)\.$/);
    assert.deepEqual(finding.range, { start: { line: 0, character: 0 }, end: { line: 0, character: slowText.indexOf('\n') } });
    await client.waitForLog((message) => message.includes(`${slow} v1 not analysed`), 30_000);

    // The report (and with it the status item) says so rather than "1 finding".
    const report = await client.request<MemslotReport | null>('memslot/report', { uri: slow });
    assert.equal(report?.notAnalysed, 'took longer than 1 ms');
    assert.deepEqual(report?.findings.map((item) => item.code), ['MS910']);
    // Hover on it answers from the dropped analysis instead of waiting for another one.
    await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: slow }, position: { line: 2, character: 4 } });

    // A raised budget: the document that ran out of time is analysed again, in full.
    const beforeRaise = client.published.length;
    settings.analysis.timeoutMs = 120_000;
    await client.changeSettings(settings);
    const analysed = await client.waitForDiagnostics(slow, (params) => params.version === 1, beforeRaise, 120_000);
    const codes = analysed.diagnostics.map((diagnostic) => diagnostic.code);
    assert.ok(!codes.includes('MS910') && codes.includes('MS006'), `analysed in full: ${JSON.stringify(codes)}`);
    assert.equal((await client.request<MemslotReport | null>('memslot/report', { uri: slow }))?.notAnalysed, undefined);

    // An edit is analysed too (by a worker that replaced the one stopped at the budget).
    const beforeEdit = client.published.length;
    await client.replace(slow, smallText, 2);
    const edited = await client.waitForDiagnostics(slow, (params) => params.version === 2, beforeEdit, 60_000);
    assert.ok(edited.diagnostics.some((diagnostic) => diagnostic.code === 'MS001'), JSON.stringify(edited.diagnostics));
    assert.ok(client.running);
  } finally {
    await client.stop();
  }
});

test('a hot-plug plan runs against its VM in the watchdog too: past the budget it gets MS910, on a raised one its own findings', async () => {
  // The VM (on disk, not open) is the slow input: hundreds of vhost-user back-ends it does not
  // declare, and QEMU starts it; the plan adds one DIMM, which it refuses (-m has no slots=).
  const folder = mkdtempSync(join(tmpdir(), 'memslot-watchdog-plan-'));
  writeFileSync(join(folder, 'vm.sh'), undeclaredBackends(300));
  const planText = ['{"execute": "object-add", "arguments": {"qom-type": "memory-backend-ram", "id": "p0", "size": 1073741824}}',
    '{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "pd0", "memdev": "p0"}}'].join('\n');
  const settings = { analysis: { timeoutMs: 1 }, trace: { server: 'off' } };
  const client = await startWith(settings);
  try {
    const plan = pathToFileURL(join(folder, 'vm.qmp')).href;
    await client.open(plan, 'qemu-hotplug', planText, 1);
    const timedOut = await client.waitForDiagnostics(plan, (params) => params.version === 1, 0, 60_000);
    assert.deepEqual(timedOut.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.message]),
      [['MS910', 'Not analysed: analysis took longer than 1 ms (memslot.analysis.timeoutMs).']]);
    await client.waitForLog((message) => message.includes(`plan ${join(folder, 'vm.qmp')} not analysed`), 30_000);

    const beforeRaise = client.published.length;
    settings.analysis.timeoutMs = 120_000;
    await client.changeSettings(settings);
    const analysed = await client.waitForDiagnostics(plan, (params) => params.version === 1, beforeRaise, 120_000);
    // QEMU's answer to a pc-dimm without -m slots= (pc_dimm_pre_plug(), "where" sic).
    assert.deepEqual(analysed.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.message]),
      [['MS025', "QEMU refuses device_add pd0: no slots where allocated, please specify the 'slots' option"]]);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: plan }, position: { line: 1, character: 3 } });
    assert.match(JSON.stringify(hover?.contents ?? ''), /\*\*device_add pd0\*\*: QEMU refuses it/);
    assert.ok(client.running);
  } finally {
    await client.stop();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('fast typing still gets diagnostics before it stops: the typing delay has a ceiling', async () => {
  // 200 ms typing delay, an edit every 100 ms for 3 s: without a ceiling nothing would be
  // published until the last edit.
  const client = await LspTestClient.start({ changeDelayMs: 200 });
  try {
    const uri = 'file:///tmp/memslot-watchdog/typing.sh';
    await client.open(uri, 'shellscript', 'qemu-system-x86_64 -m 1G\n', 1);
    await client.waitForDiagnostics(uri, (params) => params.version === 1);
    const burstStart = client.published.length;
    const last = 31;
    for (let version = 2; version < last; version++) {
      await client.replace(uri, `qemu-system-x86_64 -m ${version}G\n`, version);
      await new Promise((wake) => setTimeout(wake, 100));
    }
    const duringBurst = client.published.slice(burstStart).filter((params) => params.uri === uri);
    await client.replace(uri, `qemu-system-x86_64 -m ${last}G\n`, last);
    assert.ok(duringBurst.length >= 2, `at least two publications while typing: versions ${JSON.stringify(duringBurst.map((params) => params.version))}`);
    await client.waitForDiagnostics(uri, (params) => params.version === last, burstStart);
  } finally {
    await client.stop();
  }
});

test('the built server (dist/server.js) runs its analyses in dist/analysis-worker.js, with the budget', async () => {
  const client = await startWith({ analysis: { timeoutMs: 1 } }, 'stdio');
  try {
    const slow = 'file:///tmp/memslot-watchdog/built.sh';
    await client.open(slow, 'shellscript', slowText, 1);
    const published = await client.waitForDiagnostics(slow, (params) => params.version === 1, 0, 60_000);
    // Analysed in the server's own thread there would be no budget, and the DIMMs' MS006.
    assert.deepEqual(published.diagnostics.map((diagnostic) => diagnostic.code), ['MS910']);
  } finally {
    await client.stop();
  }
});

test('a document closed while its analysis runs and opened again (versions anew) gets only its new diagnostics', async () => {
  const client = await startWith({ analysis: { timeoutMs: 120_000 }, trace: { server: 'verbose' } });
  try {
    // A warm worker, so the old analysis starts at once rather than waiting in the queue (where the
    // new one would replace it).
    const warm = 'file:///tmp/memslot-watchdog/warm.sh';
    await client.open(warm, 'shellscript', smallText, 1);
    await client.waitForDiagnostics(warm, (params) => params.version === 1);
    const uri = 'file:///tmp/memslot-watchdog/reopened.sh';
    await client.open(uri, 'shellscript', refusedDimms(1000), 5);
    await client.waitForLog((message) => message.startsWith(`analysing ${uri} v5`), 30_000);
    await client.close(uri);
    const reopened = client.published.length;
    // The new text takes longer than the old one: the old result arrives first and must not count.
    await client.open(uri, 'shellscript', refusedDimms(6000), 1);
    const published = await client.waitForDiagnostics(uri, (params) => params.version === 1, reopened, 60_000);
    assert.ok(published.diagnostics.some((diagnostic) => diagnostic.code === 'MS006'), JSON.stringify(published.diagnostics.map((d) => d.code)));
    // Besides the close's clearing (no version), only the new text's diagnostics.
    const versions = client.published.slice(reopened).filter((params) => params.uri === uri && params.version !== undefined);
    assert.deepEqual(versions.map((params) => params.version), [1]);
  } finally {
    await client.stop();
  }
});
