import { DocumentText } from '../../server/src/model/document-text';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type InlayHint,
  type MarkupContent,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import type { MemslotReport } from '../../server/src/protocol';
import { runCli } from '../unit/cli-helpers';
import { LspTestClient } from './lsp-client';

/**
 * The "done when" of the linter, over the real protocol: for a QEMU script and a domain XML that
 * QEMU refuses (virtio-mem decides 64 memslots before a 32-slot vhost-user backend arrives; the
 * limit is declared in the file's own directive or in the settings), the MS001 diagnostic with its
 * range and related location, a hover with the breakdown, the inlay hints, and a quick fix whose
 * edit, applied, makes the CLI report "outcome": "starts".
 */

const scriptText = readFileSync(resolve('examples/virtio-mem-then-vhost-user-fs.sh'), 'utf8');
const domainText = readFileSync(resolve('examples/libvirt-virtio-mem-virtiofs.xml'), 'utf8')
  .replace("<domain type='kvm'>", "<!-- memslot: vhost-user /tmp/vu.sock=32 -->\n<domain type='kvm'>");

/** The range of `needle` in `text` (first occurrence), computed from the text itself. */
function rangeOf(text: string, needle: string) {
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes(needle));
  assert.ok(line >= 0, `text contains ${needle}`);
  const character = lines[line].indexOf(needle);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

async function cliOutcome(text: string, name: string): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'memslot-lsp-fix-'));
  const path = join(directory, name);
  writeFileSync(path, text);
  const run = await runCli(['--format', 'json', path]);
  const json = JSON.parse(run.stdout) as { files: Array<{ machines: Array<{ simulation?: { outcome: string } }> }> };
  return json.files[0].machines[0].simulation?.outcome ?? 'no simulation';
}

let settings: unknown = {};
let client: LspTestClient;
before(async () => { client = await LspTestClient.start({ settings: () => settings }); });
after(async () => { await client.stop(); });

async function openAndWaitForMs001(uri: string, languageId: string, text: string): Promise<Diagnostic> {
  const since = client.published.length;
  await client.open(uri, languageId, text, 1);
  const published: PublishDiagnosticsParams = await client.waitForDiagnostics(uri, (params) => params.diagnostics.some((d) => d.code === 'MS001'), since);
  const diagnostic = published.diagnostics.find((d) => d.code === 'MS001');
  assert.ok(diagnostic);
  return diagnostic;
}

async function preferredFix(uri: string, diagnostic: Diagnostic): Promise<{ action: CodeAction; edits: TextEdit[] }> {
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
  });
  const preferred = actions.filter((action) => action.isPreferred);
  assert.equal(preferred.length, 1, `one preferred fix among ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(actions.some((action) => action.command?.command === 'memslot.showDocumentation' && action.command.arguments?.[0] === 'MS001'));
  const edits = preferred[0].edit?.changes?.[uri];
  assert.ok(edits?.length, 'the preferred fix is a workspace edit on this document');
  assert.deepEqual(preferred[0].diagnostics?.map((d) => d.code), ['MS001'], 'the fix names the diagnostic it fixes');
  return { action: preferred[0], edits };
}

test('script: MS001 with range and related location, hover, inlay hints, and a quick fix that makes QEMU start', async () => {
  const uri = 'file:///tmp/memslot-lsp-test/virtio-mem-then-vhost-user-fs.sh';
  const diagnostic = await openAndWaitForMs001(uri, 'shellscript', scriptText);
  assert.deepEqual(diagnostic.range, rangeOf(scriptText, '-device vhost-user-fs-pci,id=fs0,chardev=chr0,tag=shared'));
  assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
  assert.match(String(diagnostic.codeDescription?.href), /MS001\.md$/);
  assert.equal(diagnostic.relatedInformation?.length, 1);
  assert.equal(diagnostic.relatedInformation?.[0].location.uri, uri);
  assert.deepEqual(diagnostic.relatedInformation?.[0].location.range,
    rangeOf(scriptText, '-device virtio-mem-pci,id=vm0,memdev=vmem0,node=0,requested-size=8G,dynamic-memslots=on'));

  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: diagnostic.range.start });
  const markdown = (hover?.contents as MarkupContent | undefined)?.value ?? '';
  assert.equal((hover?.contents as MarkupContent | undefined)?.kind, 'markdown');
  assert.match(markdown, /^\*\*✗ QEMU refuses fs0\*\*/);
  assert.match(markdown, /\| \| used \| reserved \| limit \|/);
  assert.match(markdown, /Plug order/);
  assert.match(markdown, /\| vhost-user backend \/tmp\/vu\.sock \| 32 \| file directive \|/);

  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } },
  });
  const vm0 = rangeOf(scriptText, '-device virtio-mem-pci,id=vm0,memdev=vmem0,node=0,requested-size=8G,dynamic-memslots=on');
  assert.ok(hints.some((hint) => hint.label === '64 × 1 GiB, 0 mapped' && hint.position.line === vm0.end.line && hint.position.character === vm0.end.character),
    JSON.stringify(hints));
  const binary = rangeOf(scriptText, 'qemu-system-x86_64');
  assert.ok(hints.some((hint) => String(hint.label) === '✗ fs0 · vu 2/32' && hint.position.line === binary.end.line));

  const { edits } = await preferredFix(uri, diagnostic);
  const fixed = new DocumentText(scriptText).applyEdits(edits);
  assert.equal(await cliOutcome(scriptText, 'before.sh'), 'refused');
  assert.equal(await cliOutcome(fixed, 'after.sh'), 'starts');

  const fixAll = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll.memslot'] },
  });
  assert.deepEqual(fixAll.map((action) => action.kind), ['source.fixAll.memslot']);
  assert.equal(await cliOutcome(new DocumentText(scriptText).applyEdits(fixAll[0].edit?.changes?.[uri] ?? []), 'fix-all.sh'), 'starts');

  const report = await client.request<MemslotReport | null>('memslot/report', { uri });
  assert.equal(report?.machines[0].outcome, 'refused');
  assert.equal(report?.machines[0].refusedBy, 'fs0');
  assert.ok(report?.machines[0].findings.some((finding) => finding.code === 'MS001'));
  await client.close(uri);
});

test('domain XML: MS001 on <filesystem> pointing at <memory>, hover, hints, and dynamicMemslots=\'no\' makes QEMU start', async () => {
  const uri = 'file:///tmp/memslot-lsp-test/vmem-virtiofs.xml';
  const diagnostic = await openAndWaitForMs001(uri, 'xml', domainText);
  assert.equal(diagnostic.range.start.line, rangeOf(domainText, "<filesystem type='mount'>").start.line);
  assert.equal(diagnostic.relatedInformation?.[0].location.range.start.line, rangeOf(domainText, "<memory model='virtio-mem'>").start.line);

  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: diagnostic.range.start });
  assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /libvirt writes the command line in its own emission order/);

  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } },
  });
  const domain = rangeOf(domainText, "<domain type='kvm'>");
  assert.ok(hints.some((hint) => hint.position.line === domain.end.line && hint.position.character === domain.end.character && /^✗ fs0 · vu \d+\/32$/.test(String(hint.label))));
  assert.ok(hints.some((hint) => hint.label === '64 × 1 GiB, 0 mapped'));

  const { edits } = await preferredFix(uri, diagnostic);
  const fixed = new DocumentText(domainText).applyEdits(edits);
  assert.match(fixed, /dynamicMemslots='no'/);
  assert.equal(await cliOutcome(fixed, 'after.xml'), 'starts');
  await client.close(uri);
});

test('settings: pulled on change; a vhost-user limit there applies (source "settings"), inlay hints turn off, bad values warn', async () => {
  const uri = 'file:///tmp/memslot-lsp-test/no-directive.sh';
  const text = scriptText.replace('# memslot: --vhost-user /tmp/vu.sock=32', '#');
  const opened = client.published.length;
  await client.open(uri, 'shellscript', text, 1);
  const first = await client.waitForDiagnostics(uri, (params) => params.version === 1, opened);
  assert.ok(!first.diagnostics.some((d) => d.code === 'MS001'), 'the default assumes 509 slots: no refusal');

  settings = { host: { vhostUserBackends: { '/tmp/vu.sock': 32 } }, inlayHints: { enabled: false } };
  const pulls = client.configurationRequests;
  const since = client.published.length;
  await client.changeSettings(null);
  const second = await client.waitForDiagnostics(uri, (params) => params.diagnostics.some((d) => d.code === 'MS001'), since);
  assert.ok(client.configurationRequests > pulls, 'the server pulled workspace/configuration');
  assert.ok(second.diagnostics.some((d) => d.code === 'MS001'));
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: rangeOf(text, '-device vhost-user-fs-pci').start });
  assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /\| vhost-user backend \/tmp\/vu\.sock \| 32 \| settings \|/);
  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } },
  });
  assert.deepEqual(hints, []);

  settings = { host: { kvmMemslots: 'lots', vhostUserBackends: { '/tmp/vu.sock': 32 } }, rules: { MS001: 'warning' } };
  const again = client.published.length;
  await client.changeSettings(null);
  // Settings are applied (and the warning sent) before the re-analysis that publishes.
  const third = await client.waitForDiagnostics(uri, () => true, again);
  assert.ok(client.messages.some((message) => message.type === 2 && message.message.includes('memslot.host.kvmMemslots')), JSON.stringify(client.messages));
  assert.equal(third.diagnostics.find((d) => d.code === 'MS001')?.severity, DiagnosticSeverity.Warning, 'memslot.rules overrides the severity');
  settings = {};
  const reset = client.published.length;
  await client.changeSettings(null);
  await client.waitForDiagnostics(uri, () => true, reset);
  await client.close(uri);
});

test('completion over the wire: properties of the -device being typed, with their docs; hover docs on a property', async () => {
  const uri = 'file:///tmp/memslot-lsp-test/completion.sh';
  const text = 'qemu-system-x86_64 -m 4G,maxmem=8G -device virtio-mem-pci,id=vm0,';
  const since = client.published.length;
  await client.open(uri, 'shellscript', text, 1);
  await client.waitForDiagnostics(uri, () => true, since);
  const items = await client.request<Array<{ label: string; insertText?: string; documentation?: string }>>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: text.length } });
  const dynamic = items.find((item) => item.label === 'dynamic-memslots');
  assert.equal(dynamic?.insertText, 'dynamic-memslots=');
  assert.match(String(dynamic?.documentation), /several memslots/);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: text.indexOf('virtio-mem-pci') + 3 } });
  assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /^`virtio-mem-pci`: Resizable guest memory/);
  await client.close(uri);
});
