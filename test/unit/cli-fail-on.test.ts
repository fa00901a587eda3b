import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers';

const directory = mkdtempSync(join(tmpdir(), 'memslot-cli-fail-on-'));
// MS906 (a shell expansion hides a value) is a warning by default; nothing else is reported here.
const warningOnly = join(directory, 'warning.sh');
writeFileSync(warningOnly, '#!/bin/sh\nqemu-system-x86_64 -machine q35 -m "$MEM" -display none\n');

test('the CLI honours the file directive: the example is refused (MS001) and exits 1', async () => {
  const run = await runCli(['examples/virtio-mem-then-vhost-user-fs.sh']);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /virtio-mem-then-vhost-user-fs\.sh:26:3: error: .*\[MS001\]/);
  const json = JSON.parse((await runCli(['--format', 'json', 'examples/virtio-mem-then-vhost-user-fs.sh'])).stdout) as {
    files: Array<{ machines: Array<{ simulation: { outcome: string } }> }>;
  };
  assert.equal(json.files[0].machines[0].simulation.outcome, 'refused');
});

test('--fail-on sets the least severity that fails: a warning passes by default and fails with --fail-on warning', async () => {
  const json = JSON.parse((await runCli(['--format', 'json', warningOnly])).stdout) as { files: Array<{ findings: Array<{ severity: string }>; machines: Array<{ findings: Array<{ severity: string }> }> }> };
  const severities = [...json.files[0].findings, ...json.files[0].machines.flatMap((machine) => machine.findings)].map(
    (finding) => finding.severity);
  assert.ok(severities.includes('warning') && !severities.includes('error'), `precondition: warnings only, got ${severities.join(',')}`);
  assert.equal((await runCli([warningOnly])).status, 0);
  assert.equal((await runCli(['--fail-on', 'error', warningOnly])).status, 0);
  assert.equal((await runCli(['--fail-on', 'warning', warningOnly])).status, 1);
  assert.equal((await runCli(['--fail-on=information', warningOnly])).status, 1);
  assert.equal((await runCli(['--fail-on', 'hint', warningOnly])).status, 1);
});

test('--fail-on with a bad or missing level is a usage error (exit 2)', async () => {
  for (const args of [['--fail-on', 'fatal', warningOnly], ['--fail-on']]) {
    const run = await runCli(args);
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, /--fail-on must be error, warning, information, hint or none/);
  }
});

test('--fail-on none reports the findings but exits 0; usage and I/O errors still exit 2', async () => {
  const refused = await runCli(['--fail-on', 'none', 'examples/virtio-mem-then-vhost-user-fs.sh']);
  assert.equal(refused.status, 0, refused.stderr);
  assert.match(refused.stdout, /error: .*\[MS001\]/);
  assert.equal((await runCli(['--fail-on', 'none', join(directory, 'missing.sh')])).status, 2);
});
