// Every diagnostic says what happens and why in one line: over the examples and every test fixture
// (the vendored libvirt corpus among them), the median message is at most ~110 characters and none
// exceeds 200. QEMU's verbatim text belongs in the hover, the related information and the rule page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../server/src/analysis';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions } from '../../server/src/simulator';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// test/fixtures holds the vendored libvirt corpus too, so every corpus file is measured once.
const inputs = [...files('examples'), ...files('test/fixtures')]
  .filter((path) => /\.(sh|bash|qemu|qemuargs|args|xml|txt)$/.test(path) || !/\.[a-z]+$/i.test(path));

// Each input under the default host and under small back-ends, so the refusals' messages are measured too.
const profiles = [
  defaultHostProfile(),
  applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user-unknown', '32', '--kvm-memslots', '509']).overrides, 'cli'),
  applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user-unknown', 'nocfg', '--qemu', '8.2']).overrides, 'cli'),
];

interface Measured { code: string; length: number; message: string; where: string }

function measure(): Measured[] {
  const out: Measured[] = [];
  for (const path of inputs) {
    const text = readFileSync(path, 'utf8');
    for (const profile of profiles) {
      const analysis = analyzeText(text, { path }, profile);
      const findings = [...analysis.findings, ...analysis.machines.flatMap((machine) => machine.findings)];
      for (const finding of findings) {
        out.push({ code: finding.code, length: finding.message.length, message: finding.message, where: path });
        for (const related of finding.related ?? []) out.push({ code: `${finding.code} (related)`, length: related.message.length, message: related.message, where: path });
      }
    }
  }
  return out;
}

test('messages: median at most 110 characters, none over 200, over examples, corpus and fixtures', () => {
  assert.ok(inputs.length >= 10, `inputs found: ${inputs.length}`);
  const measured = measure();
  const messages = measured.filter((m) => !m.code.endsWith('(related)'));
  assert.ok(messages.length >= 20, `findings measured: ${messages.length}`);
  const lengths = messages.map((m) => m.length).sort((a, b) => a - b);
  const median = lengths[Math.floor(lengths.length / 2)];
  const byCode = new Map<string, number>();
  for (const m of measured) byCode.set(m.code, Math.max(byCode.get(m.code) ?? 0, m.length));
  console.log(`${messages.length} messages from ${inputs.length} inputs × ${profiles.length} host profiles: median ${median}; longest per code: ${[...byCode].sort().map(([code, max]) => `${code} ${max}`).join(', ')}`);
  const long = measured.filter((m) => m.length > 200);
  assert.deepEqual(long.map((m) => `${m.code} ${m.length} ${m.where}: ${m.message}`).slice(0, 5), []);
  assert.ok(median <= 110, `median ${median}`);
});
