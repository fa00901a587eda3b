import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, InlayHint, MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from './lsp-client';

/**
 * Hot-plug plans in the editor, over the real protocol: a `.qmp` plan beside its VM script gets
 * the refused step squiggled (MS025) with QEMU's text in the related information and a hover with
 * the slots at that step; the VM script's inlay hint says what still fits; a `memslot: vm` comment
 * that points outside the workspace is refused and nothing there is read.
 */

const root = mkdtempSync(join(tmpdir(), 'memslot-plan-lsp-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
mkdirSync(join(root, 'outside'));
const vmText = `# memslot: --vhost-user /run/vu.sock=nocfg
qemu-system-x86_64 -accel kvm -M q35,memory-backend=ram -m 4G,slots=8,maxmem=64G \\
  -object memory-backend-memfd,id=ram,size=4G,share=on \\
  -chardev socket,id=fs0-chr,path=/run/vu.sock -device vhost-user-fs-pci,id=fs0,chardev=fs0-chr,tag=fs0
`;
const dimm = (i: number) => [
  `{"execute": "object-add", "arguments": {"qom-type": "memory-backend-memfd", "id": "m${i}", "size": 1073741824, "share": true}}`,
  `{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "d${i}", "memdev": "m${i}"}}`,
];
const planText = ['# six DIMMs: the sixth does not fit', ...[0, 1, 2, 3, 4, 5].flatMap(dimm)].join('\n');
writeFileSync(join(workspace, 'vm.sh'), vmText);
writeFileSync(join(workspace, 'vm.qmp'), planText);
writeFileSync(join(root, 'outside', 'vm.sh'), vmText);

let client: LspTestClient;
before(async () => { client = await LspTestClient.start(); });
after(async () => { await client.stop(); });

test('a .qmp plan beside its VM script: MS025 on the refused step, QEMU verbatim in related info, hover with the slots', async () => {
  const uri = pathToFileURL(join(workspace, 'vm.qmp')).href;
  await client.open(uri, 'qemu-hotplug', planText);
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.deepEqual(published.diagnostics.map((d) => [d.code, d.range.start.line]), [['MS025', 12]]);
  const diagnostic = published.diagnostics[0];
  assert.match(diagnostic.message, /^QEMU refuses device_add d5: a vhost back-end has no free memslot left \(fs0 allows 8\)$/);
  assert.equal(diagnostic.relatedInformation?.[0].message, 'QEMU: a used vhost backend has not enough free memory slots left');
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: diagnostic.range.start });
  const markdown = (hover?.contents as MarkupContent | undefined)?.value ?? '';
  assert.match(markdown, /\*\*device_add d5\*\*: QEMU refuses it/);
  assert.match(markdown, /\| fs0 \| 8 \| 8 \|/);
  const okHover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } });
  assert.match((okHover?.contents as MarkupContent | undefined)?.value ?? '', /\*\*device_add d0\*\*: QEMU accepts it[\s\S]*\| fs0 \| 4 \| 8 \|/);
});

test('the VM script shows what still fits as an inlay hint', async () => {
  const uri = pathToFileURL(join(workspace, 'vm.sh')).href;
  await client.open(uri, 'shellscript', vmText);
  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } } });
  assert.ok(hints.some((hint) => hint.label === 'hot-plug: 5 × 1 GiB DIMMs before fs0 (8 slots) refuses'), JSON.stringify(hints.map((h) => h.label)));
});

test('a memslot: vm comment pointing outside the workspace is refused, and a plan without a VM says so', async () => {
  const outside = pathToFileURL(join(workspace, 'escape.qmp')).href;
  await client.open(outside, 'qemu-hotplug', `# memslot: vm ../outside/vm.sh\n${dimm(0).join('\n')}`);
  const escape = await client.waitForDiagnostics(outside, (p) => p.diagnostics.length > 0);
  assert.deepEqual(escape.diagnostics.map((d) => [d.code, d.range.start.line]), [['MS028', 0]]);
  assert.match(escape.diagnostics[0].message, /only inside the workspace: \.\.\/outside\/vm\.sh is outside/);
  const lonely = pathToFileURL(join(workspace, 'lonely.qmp')).href;
  await client.open(lonely, 'qemu-hotplug', dimm(0).join('\n'));
  const none = await client.waitForDiagnostics(lonely, (p) => p.diagnostics.length > 0);
  assert.match(none.diagnostics[0].message, /^no VM file for this plan/);
});
