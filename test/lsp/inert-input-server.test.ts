import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from './lsp-client';
import { bundlePreload } from '../support/preload';
import { untrustedDocuments } from '../support/untrusted-inputs';

/**
 * Untrusted input stays inert at the server level (issue 11): the real server process runs with a
 * trap preloaded (test/support/trap-preload.ts) that records every file it opens, reads, lists or
 * looks at outside the workspace and its own install, every write, child process, connection, DNS
 * query, worker and native addon. Driven over LSP with documents, directives and settings that
 * name files outside the workspace (directly, by `..`, through symlinks, as FIFOs and devices),
 * XML with external entities and DOCTYPE SYSTEM ids, and plans whose `memslot: vm` line points
 * out, the server must answer everything while the trap records nothing. The first test shows
 * the trap catches each kind of call.
 */

interface TrapEntry {
  thread: number;
  call: string;
  detail: string;
  allowed: boolean;
}

const trap = bundlePreload('test/support/trap-preload.ts');
const root = mkdtempSync(join(tmpdir(), 'memslot-inert-'));
const workspace = join(root, 'ws');
const outside = join(root, 'outside');
const install = [resolve('dist'), resolve('package.json'), resolve('docs/rules')];
const allow = JSON.stringify({ workspace: [workspace], install });

function entries(log: string): TrapEntry[] {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as TrapEntry);
  } catch {
    return [];
  }
}

const config = '[memory]\n  size = "1G"\n  slots = "2"\n  maxmem = "8G"\n';
const vmScript = `qemu-system-x86_64 -M q35 -m 4G,slots=8,maxmem=64G \\
  -object memory-backend-memfd,id=ram,size=4G,share=on -numa node,memdev=ram
`;
const dimmPlan = '{"execute": "object-add", "arguments": {"qom-type": "memory-backend-memfd", "id": "m0", "size": 1073741824, "share": true}}\n'
  + '{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "d0", "memdev": "m0"}}\n';
const dimmXml = "<devices>\n  <memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>\n</devices>\n";

/** Documents in (and a few beside) the workspace, each naming what it must not touch. */
function documents(): Array<{ path: string; languageId: string; text: string }> {
  const secret = join(outside, 'secret');
  const dimms = [0, 1, 2].map((i) => `-object memory-backend-ram,id=m${i},size=1G -device pc-dimm,id=d${i},memdev=m${i}`).join(' ');
  const readconfigs = ['inside.cfg', join(outside, 'qemu.cfg'), '../outside/qemu.cfg', 'link.cfg', 'linkdir/qemu.cfg', 'fifo', 'zero', '/dev/zero',
    '/proc/self/environ', '~/.bashrc', '"$HOME/.bashrc"', `file://${join(outside, 'qemu.cfg')}`, '/etc/passwd', '/net/unreachable/qemu.cfg'];
  return [
    ...untrustedDocuments.map((d) => ({ ...d, path: join(workspace, d.path) })),
    {
      path: join(workspace, 'readconfig.sh'),
      languageId: 'shellscript',
      text: [
        `# memslot: --vhost-user ${secret}=32 --vhost-user '${outside}/*.sock=8'`,
        `qemu-system-x86_64 -M q35 ${readconfigs.map((name) => `-readconfig ${name}`).join(' ')} ${dimms}`,
        '',
      ].join('\n'),
    },
    { path: join(workspace, 'readconfig.qemu'), languageId: 'qemu-args', text: `qemu-system-x86_64\n-readconfig\nlinkdir/qemu.cfg\n-readconfig\n${secret}\n` },
    {
      path: join(workspace, 'entities.xml'),
      languageId: 'xml',
      text: [
        '<?xml version="1.0"?>',
        `<!DOCTYPE domain SYSTEM "${secret}" [`,
        `  <!ENTITY secret SYSTEM "file://${secret}">`,
        `  <!ENTITY link SYSTEM "link.cfg">`,
        '  <!ENTITY remote SYSTEM "http://127.0.0.1:9/memslot">',
        ']>',
        `<!-- memslot: vhost-user ${secret}=32 -->`,
        "<domain type='kvm'><name>&secret;&link;&remote;</name><memory unit='GiB'>4</memory>",
        `<devices><disk type='file'><source file='${secret}'/></disk><filesystem type='mount'><driver type='virtiofs'/>`,
        `<source socket='${join(outside, 'vfsd.sock')}'/><target dir='t'/></filesystem></devices></domain>`,
      ].join('\n'),
    },
    { path: join(workspace, 'escape-absolute.qmp'), languageId: 'qemu-hotplug', text: `# memslot: vm ${join(outside, 'vm.sh')}\n${dimmPlan}` },
    { path: join(workspace, 'escape-relative.qmp'), languageId: 'qemu-hotplug', text: `# memslot: vm ../outside/vm.sh\n${dimmPlan}` },
    { path: join(workspace, 'escape-dots.qmp'), languageId: 'qemu-hotplug', text: `# memslot: vm ../../../../../../../../etc/passwd\n${dimmPlan}` },
    { path: join(workspace, 'symlink.hmp'), languageId: 'qemu-hotplug', text: '# memslot: vm vm-link.sh\nobject_add memory-backend-ram,id=m0,size=1G\n' },
    { path: join(workspace, 'symlink-folder.qmp'), languageId: 'qemu-hotplug', text: `# memslot: vm linkdir/vm.sh\n${dimmPlan}` },
    { path: join(workspace, 'fifo.qmp'), languageId: 'qemu-hotplug', text: `# memslot: vm fifo\n${dimmPlan}` },
    { path: join(workspace, 'zero.qmp'), languageId: 'qemu-hotplug', text: `# memslot: vm zero\n${dimmPlan}` },
    { path: join(workspace, 'passwd.attach.xml'), languageId: 'xml', text: `<!-- memslot: vm /etc/passwd -->\n${dimmXml}` },
    // Opened from outside the workspace: nothing beside them is read, not even looked for.
    { path: join(outside, 'doc.sh'), languageId: 'shellscript', text: 'qemu-system-x86_64 -readconfig qemu.cfg -m 1G\n' },
    { path: join(outside, 'vm.qmp'), languageId: 'qemu-hotplug', text: dimmPlan },
  ];
}

before(() => {
  mkdirSync(workspace, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret'), 'root:x:0:0:SECRET\n');
  writeFileSync(join(outside, 'qemu.cfg'), config);
  writeFileSync(join(outside, 'vm.sh'), vmScript);
  writeFileSync(join(workspace, 'inside.cfg'), config);
  symlinkSync(join(outside, 'qemu.cfg'), join(workspace, 'link.cfg'));
  symlinkSync(outside, join(workspace, 'linkdir'));
  symlinkSync(join(outside, 'vm.sh'), join(workspace, 'vm-link.sh'));
  symlinkSync('/dev/zero', join(workspace, 'zero'));
  execFileSync('mkfifo', [join(workspace, 'fifo')]);
  for (const document of documents()) writeFileSync(document.path, document.text);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the trap records a forbidden read, write, process, connection, DNS query and worker, and lets workspace reads through', () => {
  const log = join(root, 'self-check.jsonl');
  const probe = `
    const fs = require('node:fs');
    const attempt = (run) => { try { run(); } catch {} };
    attempt(() => fs.readFileSync(${JSON.stringify(join(workspace, 'inside.cfg'))}));
    attempt(() => fs.readFileSync(${JSON.stringify(join(outside, 'secret'))}));
    attempt(() => fs.readFileSync(${JSON.stringify(join(workspace, 'link.cfg'))}));
    attempt(() => fs.statSync(${JSON.stringify(join(outside, 'qemu.cfg'))}));
    attempt(() => fs.writeFileSync(${JSON.stringify(join(workspace, 'written'))}, 'x'));
    attempt(() => require('node:child_process').execFileSync('true'));
    attempt(() => require('node:net').connect(9, '127.0.0.1'));
    attempt(() => require('node:dns').lookup('example.invalid', () => {}));
    attempt(() => new (require('node:worker_threads').Worker)('1', { eval: true }));
  `;
  const run = spawnSync(process.execPath, ['--require', trap, '-e', probe], {
    env: { ...process.env, MEMSLOT_TRAP_LOG: log, MEMSLOT_TRAP_ALLOW: allow }, encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const recorded = entries(log);
  const refused = recorded.filter((e) => !e.allowed).map((e) => e.call);
  assert.deepEqual(refused, ['fs.readFileSync', 'fs.readFileSync', 'fs.statSync', 'fs.writeFileSync', 'child_process.execFileSync', 'net.connect',
    'dns.lookup', 'worker_threads.Worker']);
  assert.ok(recorded.some((e) => e.allowed && e.call === 'fs.readFileSync' && e.detail === join(workspace, 'inside.cfg')), 'the workspace read is let through');
  assert.ok(recorded.some((e) => !e.allowed && e.detail === join(workspace, 'link.cfg')), 'a symlink out of the workspace is caught');
  assert.ok(recorded.some((e) => e.call === 'armed'));
});

test('driven over LSP with every untrusted input, the server reads nothing outside the workspace, runs nothing, connects nowhere', { timeout: 120_000 }, async () => {
  const log = join(root, 'server.jsonl');
  const settings = {
    host: { vhostUserBackends: { [join(outside, 'secret')]: '32', '../outside/*.sock': 'nocfg', '/etc/passwd': '8' }, vhostUserUnknownLimit: '509' },
    rules: { MS907: 'error' },
  };
  const client = await LspTestClient.start({
    transport: 'stdio', nodeArgs: ['--require', trap], env: { MEMSLOT_TRAP_LOG: log, MEMSLOT_TRAP_ALLOW: allow },
    workspaceFolders: [workspace], settings: () => settings, changeDelayMs: 0,
  });
  try {
    const docs = documents();
    for (const document of docs) {
      const uri = pathToFileURL(document.path).href;
      await client.open(uri, document.languageId, document.text);
      await client.waitForDiagnostics(uri, () => true, 0, 30_000);
    }
    // Every feature on every document, at every few characters; and the text edited once.
    for (const document of docs) {
      const uri = pathToFileURL(document.path).href;
      const lines = document.text.split('\n');
      for (let line = 0; line < lines.length; line++) {
        for (let character = 0; character <= lines[line].length; character += 11) {
          await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
          await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character } });
        }
      }
      const whole = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
      await client.request('textDocument/inlayHint', { textDocument: { uri }, range: whole });
      await client.request('textDocument/codeAction', { textDocument: { uri }, range: whole, context: { diagnostics: [] } });
      await client.request('memslot/report', { uri });
      const since = client.published.length;
      await client.replace(uri, `${document.text}\n`, 2);
      await client.waitForDiagnostics(uri, (p) => p.version === 2, since, 30_000);
    }
    await client.changeSettings(settings);
    assert.ok(client.running, client.stderr);

    // What the server said about the files it refused: each is reported, none was read.
    const published = (name: string) => {
      const uri = pathToFileURL(join(dirname(join(workspace, 'x')), name)).href;
      return [...client.published].reverse().find((p) => p.uri === uri)?.diagnostics.map((d) => d.message) ?? [];
    };
    const readconfig = published('readconfig.sh').join('\n');
    assert.match(readconfig, /-readconfig link\.cfg is not read \(outside the workspace\)/);
    assert.match(readconfig, /-readconfig fifo is not read \(not a regular file\)/);
    assert.match(readconfig, /-readconfig zero is not read \(outside the workspace\)/);
    assert.doesNotMatch(readconfig, /-readconfig inside\.cfg is not read/);
    assert.match(published('escape-relative.qmp').join('\n'), /only inside the workspace/);
    assert.match(published('symlink.hmp').join('\n'), /only inside the workspace/);
    assert.match(published('fifo.qmp').join('\n'), /cannot read the VM file .*fifo: not a regular file/);
  } finally {
    await client.stop();
  }
  const recorded = entries(log);
  assert.ok(recorded.some((e) => e.call === 'armed' && e.detail === 'main thread'), 'the trap ran in the server');
  // The trap saw the server's own reads: its bundle and the one config file inside the workspace.
  assert.ok(recorded.some((e) => e.allowed && e.detail === join(workspace, 'inside.cfg')), JSON.stringify(recorded.slice(0, 20)));
  assert.deepEqual(recorded.filter((e) => !e.allowed), []);
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'root:x:0:0:SECRET\n');
});
