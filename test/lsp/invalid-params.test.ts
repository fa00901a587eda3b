import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspTestClient } from './lsp-client';

/** Malformed request params answer JSON-RPC InvalidParams (-32602), and the server keeps serving. */

let client: LspTestClient;
before(async () => { client = await LspTestClient.start(); });
after(async () => { await client.stop(); });

async function errorCode(method: string, params: unknown): Promise<number | undefined> {
  try {
    await client.request(method, params);
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

test('null or malformed params answer -32602, not an internal error', async () => {
  const uri = 'file:///tmp/memslot-lsp-test/params.sh';
  await client.open(uri, 'shellscript', 'qemu-system-x86_64 -m 1G\n', 1);
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
  const cases: Array<[string, unknown]> = [
    ['textDocument/hover', null],
    ['textDocument/hover', { textDocument: { uri } }],
    ['textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }],
    ['textDocument/codeAction', { textDocument: { uri }, range }],
    ['textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [null] } }],
    ['textDocument/inlayHint', { textDocument: {}, range }],
    ['memslot/report', null],
  ];
  for (const [method, params] of cases) assert.equal(await errorCode(method, params), -32602, `${method} ${JSON.stringify(params)}`);
  // Well-formed requests are still answered.
  assert.equal(await errorCode('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }), undefined);
  assert.deepEqual(await client.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }), []);
  await client.close(uri);
});
