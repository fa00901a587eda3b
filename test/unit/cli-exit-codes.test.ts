import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliProcess } from './cli-helpers';

// The first, third and last tests run the built program as a process: the CLI's smoke tests.
test('--help prints usage and exits 0', async () => {
  const run = runCliProcess(['--help']);
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^Usage: memslot /);
  assert.match(run.stdout, /--vhost-user SOCKET=N/);
});

test('usage errors exit 2 with a message on stderr', async () => {
  for (const args of [
    [],
    ['--no-such-flag', 'examples/'],
    ['--format', 'xml', 'examples/'],
    ['--format'],
    ['--kvm-memslots', 'many', 'examples/'],
    ['--smm', 'maybe', 'examples/'],
    ['--vhost-user', '/tmp/vu.sock', 'examples/'],
    ['--qemu-flavor', 'fedora', 'examples/'],
  ]) {
    const run = await runCli(args);
    assert.equal(run.status, 2, `memslot ${args.join(' ')}`);
    assert.match(run.stderr, /^memslot: /, `memslot ${args.join(' ')}`);
    assert.equal(run.stdout, '', `memslot ${args.join(' ')}`);
  }
});

test('a missing file is an I/O error: exit 2, the other files are still reported', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'memslot-cli-'));
  const good = join(directory, 'good.sh');
  writeFileSync(good, 'qemu-system-x86_64 -m 1G\n');
  const run = runCliProcess(['--format', 'json', join(directory, 'missing.sh'), good]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /missing\.sh: no such file or directory/);
  const output = JSON.parse(run.stdout) as { files: Array<{ path: string }> };
  assert.deepEqual(output.files.map((file) => file.path), [good]);
});

test('valid profile options are accepted in both spellings', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'memslot-cli-'));
  const file = join(directory, 'ok.sh');
  writeFileSync(file, 'qemu-system-x86_64 -m 1G\n');
  const run = await runCli(['--qemu', '9.2', '--qemu-flavor=rhel', '--kvm-memslots', '509', '--smm', 'off',
    '--vhost-max-mem-regions', '64', '--vhost-user', '/tmp/vu.sock=32', '--vhost-user=chr0=8', file]);
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
});

test('a clean command line exits 0', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'memslot-cli-'));
  const file = join(directory, 'clean.sh');
  writeFileSync(file, '#!/bin/sh\nqemu-system-x86_64 -machine q35 -m 2G -display none\n');
  const run = await runCli([file]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test('findings of severity error exit 1', async () => {
  const run = runCliProcess(['examples/malformed.sh']);
  assert.equal(run.status, 1, run.stdout + run.stderr);
});
