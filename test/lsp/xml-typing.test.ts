import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Hover, InlayHint } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from './lsp-client';

/**
 * Issue 4's "done when" over the real protocol: typing a domain XML (prefixes of a real file) never
 * takes the server down, every version gets its diagnostics, and what is already understood keeps
 * its diagnostics while the document is still unfinished.
 */

// The example domain, with the 32-slot limit of its virtiofsd declared in the file (dashless, as
// XML comments forbid "--"): complete, QEMU refuses fs0 (MS001).
const domainText = readFileSync(resolve('examples/libvirt-virtio-mem-virtiofs.xml'), 'utf8')
  .replace("<domain type='kvm'>", "<!-- memslot: vhost-user /tmp/vu.sock=32 -->\n<domain type='kvm'>");

let client: LspTestClient;
before(async () => { client = await LspTestClient.start(); });
after(async () => { await client.stop(); });

/** Replaces the document with `text` as version `version` and waits for that version's diagnostics. */
async function typeVersion(uri: string, text: string, version: number) {
  const since = client.published.length;
  await client.replace(uri, text, version);
  return client.waitForDiagnostics(uri, (params) => params.version === version, since, 30_000);
}

test('typing the domain: every checkpoint is answered, and an unfinished document keeps MS001 from what is understood', async () => {
  const uri = 'file:///tmp/memslot-lsp-typing/domain.xml';
  const since = client.published.length;
  await client.open(uri, 'xml', '', 1);
  await client.waitForDiagnostics(uri, (params) => params.version === 1, since);
  // Checkpoints: after every 12th tag end, plus the two cuts asserted below.
  const ends: number[] = [];
  for (let at = domainText.indexOf('>'), count = 0; at >= 0; at = domainText.indexOf('>', at + 1), count++) {
    if (count % 12 === 0) ends.push(at + 1);
  }
  const beforeConsole = domainText.indexOf('<console');
  const midTarget = domainText.indexOf("<target dynamicMemslots='yes'>") + "<target dynamicM".length;
  ends.push(midTarget, beforeConsole, domainText.length);
  ends.sort((a, b) => a - b);
  let version = 1;
  const byEnd = new Map<number, string[]>();
  for (const end of ends) {
    const published = await typeVersion(uri, domainText.slice(0, end), ++version);
    byEnd.set(end, published.diagnostics.map((diagnostic) => String(diagnostic.code)));
    assert.ok(client.running, `server alive after a prefix of ${end} characters`);
    for (const diagnostic of published.diagnostics) assert.notEqual(diagnostic.code, 'MS999', `no internal error at ${end}: ${diagnostic.message}`);
  }
  // Everything up to </memory> is typed, </devices> and </domain> are not: the XML reader says where
  // it stopped, and the simulation of what it understood still refuses fs0.
  const unfinished = byEnd.get(beforeConsole) ?? [];
  assert.ok(unfinished.includes('MS908'), `not closed: ${unfinished.join(', ')}`);
  assert.ok(unfinished.includes('MS001'), `MS001 kept while unfinished: ${unfinished.join(', ')}`);
  // Half an attribute name inside the virtio-mem target: no MS001 yet, but no crash either.
  assert.ok((byEnd.get(midTarget) ?? []).includes('MS908'));
  assert.deepEqual(byEnd.get(domainText.length), ['MS001'], 'the finished domain: exactly the refusal');

  // The other requests an editor sends while typing still work on an unfinished version.
  const unfinishedText = domainText.slice(0, beforeConsole);
  await typeVersion(uri, unfinishedText, ++version);
  const lines = unfinishedText.split('\n');
  const fsLine = lines.findIndex((line) => line.includes('<filesystem'));
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: fsLine, character: 6 } });
  assert.ok(hover, 'a hover on the refused <filesystem>');
  const hints = await client.request<InlayHint[] | null>('textDocument/inlayHint', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
  });
  assert.ok(Array.isArray(hints));
  await client.close(uri);
});

const corpus = resolve(process.cwd(), 'test/fixtures/libvirt-corpus');

test('typing corpus domains: prefixes cut at tag boundaries never take the server down', async () => {
  // Memory devices and vhost-user consumers: the parts the simulator and the rules read.
  const wanted = ['memory-hotplug-virtio-mem.xml', 'vhost-user-fs-hugepages.xml', 'net-vhostuser-multiq.xml'];
  for (const name of wanted) {
    const text = readFileSync(resolve(corpus, name), 'utf8');
    const uri = `file:///tmp/memslot-lsp-typing/${name}`;
    const since = client.published.length;
    await client.open(uri, 'xml', '', 1);
    await client.waitForDiagnostics(uri, (params) => params.version === 1, since);
    // Cuts inside a tag (one character before its '>') exercise half-written names and attributes.
    const cuts: number[] = [];
    for (let at = text.indexOf('>'), count = 0; at >= 0; at = text.indexOf('>', at + 1), count++) {
      if (count % 12 === 4) cuts.push(at);
    }
    let version = 1;
    for (const cut of [...cuts, text.length]) {
      const published = await typeVersion(uri, text.slice(0, cut), ++version);
      for (const diagnostic of published.diagnostics) assert.notEqual(diagnostic.code, 'MS999', `${name} at ${cut}: ${diagnostic.message}`);
    }
    assert.ok(client.running, `server alive after ${name}`);
    await client.close(uri);
  }
});
