import { test } from 'node:test';
import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { allFindings, analyzeText } from '../../server/src/analysis';
import { hoverAt } from '../../server/src/features/hover';
import { readXml } from '../../server/src/frontends/libvirt/xml';
import { untrustedDocuments } from '../support/untrusted-inputs';

/**
 * Untrusted input stays inert: analysing (and hovering) documents that name files, sockets,
 * commands, entities and DOCTYPE SYSTEM ids reads no file, runs no program and opens no connection,
 * and entities are never resolved. Every such call in node's modules is trapped while they run.
 */

function trapped(run: () => void): string[] {
  const calls: string[] = [];
  const restore: Array<() => void> = [];
  const trap = (target: object, names: string[], label: string) => {
    const record = target as Record<string, unknown>;
    for (const name of names) {
      const original = record[name];
      if (typeof original !== 'function') continue;
      record[name] = (...args: unknown[]) => {
        calls.push(`${label}.${name} ${String(args[0])}`);
        throw new Error(`${label}.${name} called`);
      };
      restore.push(() => { record[name] = original; });
    }
  };
  trap(fs, ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream', 'readdirSync', 'readdir', 'statSync', 'stat', 'existsSync', 'accessSync', 'realpathSync'], 'fs');
  trap(fs.promises, ['readFile', 'open', 'readdir', 'stat', 'access'], 'fs.promises');
  trap(childProcess, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'child_process');
  trap(net, ['connect', 'createConnection'], 'net');
  trap(net.Socket.prototype, ['connect'], 'net.Socket');
  trap(http, ['request', 'get'], 'http');
  trap(https, ['request', 'get'], 'https');
  trap(dns, ['lookup', 'resolve'], 'dns');
  trap(globalThis, ['fetch'], 'globalThis');
  try {
    run();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return calls;
}

test('analysing and hovering untrusted documents reads no file, runs no program, opens no connection', () => {
  // The traps themselves catch a read.
  assert.deepEqual(trapped(() => { try { fs.readFileSync('/etc/hostname'); } catch { /* trapped */ } }), ['fs.readFileSync /etc/hostname']);
  for (const document of untrustedDocuments) {
    const calls = trapped(() => {
      const analysis = analyzeText(document.text, { path: document.path, languageId: document.languageId });
      const lines = document.text.split('\n');
      for (let line = 0; line < lines.length; line++) {
        for (let character = 0; character < lines[line].length; character += 7) hoverAt(analysis, { line, character });
      }
      assert.ok(analysis.kind !== undefined, `${document.path} is analysed`);
      assert.deepEqual(allFindings(analysis).filter((finding) => finding.code === 'MS999'), []);
    });
    assert.deepEqual(calls, [], document.path);
  }
  assert.equal(fs.existsSync('/tmp/memslot-pwned'), false);
});

test('XML entities and DOCTYPE SYSTEM ids are never resolved', () => {
  const document = untrustedDocuments.find((d) => d.path === 'attack.xml');
  assert.ok(document);
  const xml = readXml(document.text);
  const name = xml.root?.children.find((child) => child.kind === 'element' && child.name === 'name');
  const text = name?.kind === 'element' ? name.children.map((child) => (child.kind === 'text' ? child.text : '')).join('') : undefined;
  assert.equal(text?.includes('root:'), false, 'no /etc/passwd content');
  assert.ok(xml.diagnostics.some((finding) => finding.message.includes('&xxe;')), 'an unknown entity is reported, not resolved');
  const analysis = analyzeText(document.text, { path: 'attack.xml' });
  const json = JSON.stringify(analysis);
  assert.equal(json.includes('root:x:0:0'), false);
});
