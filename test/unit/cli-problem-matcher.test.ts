import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from './cli-helpers';

/**
 * The `$memslot` problem matcher in package.json must read every finding the CLI prints in its text
 * format, so a VS Code task running the CLI fills the Problems panel as the server does.
 */
interface Matcher {
  name: string;
  pattern: { regexp: string; file: number; line: number; column: number; severity: number; message: number; code: number };
}

test('the problem matcher reads every finding line of the CLI text output, with the JSON output\'s positions', async () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { problemMatchers: Matcher[] } };
  const matcher = manifest.contributes.problemMatchers.find((m) => m.name === 'memslot');
  assert.ok(matcher, 'package.json contributes a problem matcher named memslot');
  const regexp = new RegExp(matcher.pattern.regexp);

  const args = ['--vhost-user', '/tmp/vu.sock=32', 'examples/'];
  const text = await runCli(['--format', 'text', ...args]);
  const json = await runCli(['--format', 'json', ...args]);
  const report = JSON.parse(json.stdout) as {
    files: Array<{ path: string; findings: Finding[]; machines: Array<{ findings: Finding[] }> }> };
  const expected = report.files.flatMap((file) => [...file.findings, ...file.machines.flatMap((m) => m.findings)]
    .map((f) => `${file.path}:${f.range.start.line + 1}:${f.range.start.character + 1}:${f.severity}:${f.code}`));
  assert.ok(expected.length >= 5, 'the examples give findings');

  const matched = text.stdout.split('\n').map((line) => regexp.exec(line)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[matcher.pattern.file]}:${m[matcher.pattern.line]}:${m[matcher.pattern.column]}:${m[matcher.pattern.severity]}:${m[matcher.pattern.code]}`);
  assert.deepEqual([...matched].sort(), [...expected].sort());
});

interface Finding { code: string; severity: string; range: { start: { line: number; character: number } } }
