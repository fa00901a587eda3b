import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from './lsp-client';

// Positions below are counted by hand from the text (0-based lines and characters).
const malformed = [
  '#!/bin/sh',                                                                     // 0
  'qemu-system-x86_64 \\',                                                          // 1
  '  -m 4Q \\',                                                                     // 2: '4Q' at 5..7
  `  -object '{"qom-type":"memory-backend-ram","id":"mem0","size":4294967296' \\`,  // 3: the quoted JSON word starts at 10
  '  -name "broken',                                                                // 4: the quote at 8
].join('\n');
const fixed = [
  '#!/bin/sh',
  'qemu-system-x86_64 \\',
  '  -m 4G \\',
  `  -object '{"qom-type":"memory-backend-ram","id":"mem0","size":4294967296}' \\`,
  '  -name "fixed"',
].join('\n');

let client: LspTestClient;
// The built program over stdio: the smoke tests of what an editor really starts.
before(async () => { client = await LspTestClient.start({ transport: 'stdio' }); });
after(async () => { await client.stop(); });

function overlaps(diagnostic: Diagnostic, line: number, from: number, to: number): boolean {
  const { start, end } = diagnostic.range;
  const startsBeforeEnd = start.line < line || (start.line === line && start.character < to);
  const endsAfterStart = end.line > line || (end.line === line && end.character > from);
  return startsBeforeEnd && endsAfterStart;
}

test('publishes front-end diagnostics for a malformed script, then clears them when fixed', async () => {
  const uri = 'file:///tmp/memslot-lsp-test/malformed.sh';
  const since = client.published.length;
  await client.open(uri, 'shellscript', malformed, 1);
  const first = await client.waitForDiagnostics(uri, (params) => params.diagnostics.length > 0, since);
  const byCode = (code: string) => first.diagnostics.filter((diagnostic) => diagnostic.code === code);

  const badSize = byCode('MS902');
  assert.ok(badSize.some((diagnostic) => overlaps(diagnostic, 2, 5, 7)), `MS902 on '4Q': ${JSON.stringify(first.diagnostics)}`);
  const badJson = byCode('MS903');
  assert.ok(badJson.some((diagnostic) => diagnostic.range.start.line === 3 && diagnostic.range.start.character >= 10),
    `MS903 inside the JSON word: ${JSON.stringify(first.diagnostics)}`);
  const unterminated = byCode('MS901');
  assert.ok(unterminated.some((diagnostic) => diagnostic.range.start.line === 4 && diagnostic.range.start.character === 8),
    `MS901 starting at the unterminated quote: ${JSON.stringify(first.diagnostics)}`);
  for (const diagnostic of first.diagnostics) {
    assert.equal(diagnostic.source, 'memslot');
    assert.match(String(diagnostic.codeDescription?.href), new RegExp(`${String(diagnostic.code)}\\.md$`));
  }
  for (const diagnostic of [...badSize, ...badJson, ...unterminated]) assert.equal(diagnostic.severity, DiagnosticSeverity.Error);

  const beforeFix = client.published.length;
  await client.replace(uri, fixed, 2);
  const second = await client.waitForDiagnostics(uri, (params) => params.version === 2, beforeFix);
  const problems = second.diagnostics.filter((diagnostic) =>
    diagnostic.severity === DiagnosticSeverity.Error || diagnostic.severity === DiagnosticSeverity.Warning);
  assert.deepEqual(problems, [], 'the fixed script has no errors or warnings');

  const beforeClose = client.published.length;
  await client.close(uri);
  await client.waitForDiagnostics(uri, (params) => params.diagnostics.length === 0, beforeClose);
});

test('debounces a burst of changes: only the last version is analysed and published', async () => {
  const uri = 'file:///tmp/memslot-lsp-test/burst.sh';
  const since = client.published.length;
  await client.open(uri, 'shellscript', 'qemu-system-x86_64 -m 1G\n', 1);
  await client.waitForDiagnostics(uri, (params) => params.version === 1, since);
  const burstStart = client.published.length;
  for (let version = 2; version <= 6; version++) {
    await client.replace(uri, `qemu-system-x86_64 -m ${version}G\n`, version);
  }
  await client.waitForDiagnostics(uri, (params) => params.version === 6, burstStart);
  const versions = client.published.slice(burstStart).filter((params) => params.uri === uri).map((params) => params.version);
  assert.deepEqual(versions, [6], 'stale versions 2-5 are never published');
  await client.close(uri);
});

test('survives garbage (a huge line, binary junk, non-domain XML) and keeps serving', async () => {
  const hugeLine = `qemu-system-x86_64 ${'-device virtio-net-pci,netdev=n,'.repeat(30_000)}`;
  let junk = '';
  for (let code = 0; code < 4096; code++) junk += String.fromCharCode((code * 7919) % 65_536);
  const documents: Array<[string, string, string]> = [
    ['file:///tmp/memslot-lsp-test/huge.sh', 'shellscript', hugeLine],
    ['file:///tmp/memslot-lsp-test/junk.qemu', 'qemu-args', junk],
    ['file:///tmp/memslot-lsp-test/junk.sh', 'shellscript', `qemu-system-x86_64 ${junk}`],
    ['file:///tmp/memslot-lsp-test/other.xml', 'xml', '<project><domain/></project>'],
    ['file:///tmp/memslot-lsp-test/half.xml', 'xml', `<domain type='kvm'><devices><memory model='virtio-mem'><target>`],
  ];
  for (const [uri, languageId, text] of documents) {
    const since = client.published.length;
    await client.open(uri, languageId, text, 1);
    await client.waitForDiagnostics(uri, (params) => params.version === 1, since, 30_000);
  }
  const xml = client.published.find((params) => params.uri === documents[3][0]);
  assert.deepEqual(xml?.diagnostics, [], 'XML whose root is not <domain> is not ours');

  // Still serving: a new document gets its own publication.
  const uri = 'file:///tmp/memslot-lsp-test/after-garbage.sh';
  const since = client.published.length;
  await client.open(uri, 'shellscript', 'qemu-system-x86_64 -m 1G\n', 1);
  await client.waitForDiagnostics(uri, (params) => params.version === 1, since);
  assert.ok(client.running, 'server still running');
  for (const [docUri] of documents) await client.close(docUri);
});

test('an opened document is analysed at once, not after the typing delay', async () => {
  // With a ten-minute typing delay, diagnostics can only arrive within the test's timeout if the
  // open itself is not debounced.
  const patient = await LspTestClient.start({ changeDelayMs: 600_000 });
  try {
    const uri = 'file:///tmp/memslot-lsp-test/opened.sh';
    await patient.open(uri, 'shellscript', malformed, 1);
    const published = await patient.waitForDiagnostics(uri, (params) => params.version === 1);
    assert.ok(published.diagnostics.some((d) => d.code === 'MS902'), JSON.stringify(published.diagnostics));
  } finally {
    await patient.stop();
  }
});
