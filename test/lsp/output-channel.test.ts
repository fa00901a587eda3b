// What the server writes to the editor's output channel: its start, version and host profile
// always; each analysis' timing only at memslot.trace.server messages (or verbose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LspTestClient } from './lsp-client';
import { scriptText } from '../unit/features-fixtures';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

async function run(trace: string): Promise<string[]> {
  // The built program: its version comes from the package.json beside dist/.
  const client = await LspTestClient.start({ transport: 'stdio', settings: () => ({ trace: { server: trace }, host: { kvmMemslots: 509 } }) });
  try {
    // The settings arrive after initialization; the document is opened once the server has them.
    await client.waitForLog((line) => line.includes('1 from the settings'));
    const uri = `file:///tmp/memslot-lsp-test/output-${trace}.sh`;
    const since = client.published.length;
    await client.open(uri, 'shellscript', scriptText, 1);
    await client.waitForDiagnostics(uri, (params) => params.diagnostics.length > 0, since);
    if (trace !== 'off') await client.waitForLog((line) => line.startsWith('analysed '));
    return client.logs.map((entry) => entry.message);
  } finally {
    await client.stop();
  }
}

test('the output channel: server start with its version, the host profile, and at trace messages each analysis with its timing', async () => {
  const lines = await run("messages");
  assert.ok(lines.some((line) => line.startsWith(`memslot language server ${version} started (Node `)), lines.join('\n'));
  assert.ok(lines.some((line) => /^host profile: QEMU 10\.0(\.0)? upstream, KVM 509 memslots, .* \(1 from the settings; file directives go on top\)$/.test(line)), lines.join('\n'));
  const analysis = lines.find((line) => line.startsWith('analysed file:///tmp/memslot-lsp-test/output-messages.sh v1 in '));
  assert.match(analysis ?? '', / in \d+\.\d ms: shell, 1 machine\(s\) \(refused at fs0\), \d+ finding\(s\)$/);
});

test('at trace off the analyses are not logged, the start and the profile are', async () => {
  const lines = await run('off');
  assert.ok(lines.some((line) => line.startsWith('memslot language server ')));
  assert.ok(lines.some((line) => line.startsWith('host profile: ')));
  assert.ok(!lines.some((line) => line.startsWith('analysed ')), lines.join('\n'));
});
