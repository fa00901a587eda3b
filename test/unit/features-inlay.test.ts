import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/analysis';
import { inlayHints } from '../../server/src/features/inlay-hints';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions } from '../../server/src/simulator';
import { after, domainLines, domainText, lineOf, scriptLines, scriptText, wholeDocument } from './features-fixtures';

const vm0 = '-device virtio-mem-pci,id=vm0,memdev=vmem0,node=0,requested-size=8G,dynamic-memslots=on';
const fs0 = '-device vhost-user-fs-pci,id=fs0,chardev=chr0,tag=shared';

test('script: a hint after the memory device, the refused device, -m, and a summary after the binary', () => {
  const hints = inlayHints(analyzeText(scriptText, { path: 'vm.sh' }), wholeDocument);
  const atPosition = (position: { line: number; character: number }) =>
    hints.filter((hint) => hint.position.line === position.line && hint.position.character === position.character).map(
      (hint) => hint.label);
  assert.deepEqual(atPosition(after(scriptLines, vm0)), ['64 × 1 GiB, 0 mapped']);
  // fs0 would map 2 regions with vm0's 64 memslots reserved, against its limit of 32.
  assert.deepEqual(atPosition(after(scriptLines, fs0)), ['✗ refused · 2+64/32']);
  const summary = atPosition(after(scriptLines, 'qemu-system-x86_64'));
  // Verdict first: the refused device, then its back-end's figures when QEMU stopped.
  assert.deepEqual(summary, ['✗ fs0 · vu 2/32']);
  // QEMU stopped before the first reset: boot memory is counted as laid out while devices are realised.
  assert.ok(hints.some((hint) => hint.position.line === lineOf(scriptLines, '-m 4G') && hint.label === '+3 KVM slots'));
  for (const hint of hints) {
    assert.ok(hint.tooltip.length > 0);
    assert.ok(hint.label.length <= 40, `fits VS Code's inlay hint width: ${hint.label}`);
  }
});

test('with a 509-slot backend from the settings, the summary says it starts and shows the vhost-user use', () => {
  const text = scriptText.replace('# memslot: --vhost-user /tmp/vu.sock=32', '#');
  const profile = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user', '/tmp/vu.sock=509']).overrides, 'settings');
  const hints = inlayHints(analyzeText(text, { path: 'vm.sh' }, profile), wholeDocument);
  const summary = hints.find((hint) => hint.position.line === lineOf(scriptLines, 'qemu-system-x86_64'));
  assert.match(summary?.label ?? '', /^✓ KVM \d+\/32764 · vu fs0 \d+\/509$/);
  const fsHint = hints.find((hint) => hint.position.line === lineOf(scriptLines, fs0));
  assert.match(fsHint?.label ?? '', /^\d+\/509 slots$/);
});

test('only hints inside the requested range', () => {
  const analysis = analyzeText(scriptText, { path: 'vm.sh' });
  const line = lineOf(scriptLines, vm0);
  const hints = inlayHints(analysis, { start: { line, character: 0 }, end: { line, character: 200 } });
  assert.deepEqual(hints.map((hint) => hint.label), ['64 × 1 GiB, 0 mapped']);
});

test('domain XML: the summary sits after the <domain> start tag', () => {
  const hints = inlayHints(analyzeText(domainText, { path: 'vm.xml' }), wholeDocument);
  const summary = hints.find((hint) => hint.position.line === lineOf(domainLines, "<domain type='kvm'>"));
  assert.equal(summary?.position.character, "<domain type='kvm'>".length);
  assert.match(summary?.label ?? '', /^✗ fs0 · vu \d+\/32$/);
  assert.ok(hints.some((hint) => hint.label === '64 × 1 GiB, 0 mapped'));
});

test('argument file: "+1 slot" after each pc-dimm (one memslot each, mapped at start)', () => {
  const text = readFileSync(resolve('examples/dimms-and-vhost-user-net.qemu'), 'utf8');
  const lines = text.split('\n');
  const hints = inlayHints(analyzeText(text, { path: 'vm.qemu' }), wholeDocument);
  for (const dimm of ['-device pc-dimm,id=dimm0,memdev=dimm0mem', '-device pc-dimm,id=dimm1,memdev=dimm1mem']) {
    const end = after(lines, dimm);
    assert.deepEqual(hints.filter((hint) => hint.position.line === end.line && hint.position.character === end.character).map((hint) => hint.label), ['+1 slot']);
  }
  assert.match(hints.find((hint) => hint.position.line === lineOf(lines, 'qemu-system-x86_64'))?.label ?? '', /^✓ KVM \d+\/32764 · vu net0 \d+\/8$/);
});

test('the summary, the hover table and the report take their figures from one place and name the moment', async () => {
  const { hoverAt } = await import('../../server/src/features/hover');
  const { buildReport } = await import('../../server/src/features/report');
  const analysis = analyzeText(scriptText, { path: 'vm.sh' });
  const hints = inlayHints(analysis, wholeDocument);
  const summary = hints.find((hint) => hint.position.line === lineOf(scriptLines, 'qemu-system-x86_64'))?.label ?? '';
  const [, used, limit] = /vu (\d+)\/(\d+)/.exec(summary) ?? [];
  const line = lineOf(scriptLines, fs0);
  const hover = hoverAt(analysis, { line, character: scriptLines[line].indexOf(fs0) + 1 }) ?? '';
  assert.match(hover, /Slots when QEMU stopped at fs0 \(before reset\)/);
  assert.match(hover, new RegExp(`\\| \\*\\*vu fs0 ✗\\*\\* \\| ${used} \\| 64 \\| ${limit} \\|`));
  const report = buildReport(analysis, 'file:///vm.sh', 1, (code) => code).machines[0];
  assert.equal(report.slotMoment, 'when QEMU stopped at fs0 (before reset)');
  const fs0Row = report.consumers.find((row) => row.id === 'fs0');
  assert.deepEqual([fs0Row?.used, fs0Row?.reserved, fs0Row?.limit], [Number(used), 64, Number(limit)]);
});
