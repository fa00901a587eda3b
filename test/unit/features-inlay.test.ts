import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/analysis';
import { inlayHints } from '../../server/src/features/inlayHints';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions } from '../../server/src/simulator';
import { after, domainLines, domainText, lineOf, scriptLines, scriptText, wholeDocument } from './features-fixtures';

const vm0 = '-device virtio-mem-pci,id=vm0,memdev=vmem0,node=0,requested-size=8G,dynamic-memslots=on';
const fs0 = '-device vhost-user-fs-pci,id=fs0,chardev=chr0,tag=shared';

test('script: a hint after the memory device, the refused device, -m, and a summary after the binary', () => {
  const hints = inlayHints(analyzeText(scriptText, { path: 'vm.sh' }), wholeDocument);
  const atPosition = (position: { line: number; character: number }) =>
    hints.filter((hint) => hint.position.line === position.line && hint.position.character === position.character).map((hint) => hint.label);
  assert.deepEqual(atPosition(after(scriptLines, vm0)), ['64 × 1 GiB, 0 mapped']);
  assert.deepEqual(atPosition(after(scriptLines, fs0)), ['refused']);
  const summary = atPosition(after(scriptLines, 'qemu-system-x86_64'));
  assert.equal(summary.length, 1);
  assert.match(summary[0], /^KVM \d+\/32764 · refused at fs0$/);
  assert.ok(hints.some((hint) => hint.position.line === lineOf(scriptLines, '-m 4G') && /^\+\d+ KVM slots$/.test(hint.label)));
  for (const hint of hints) assert.ok(hint.tooltip.length > 0);
});

test('with a 509-slot backend from the settings, the summary says it starts and shows the vhost-user use', () => {
  const text = scriptText.replace('# memslot: --vhost-user /tmp/vu.sock=32', '#');
  const profile = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user', '/tmp/vu.sock=509']).overrides, 'settings');
  const hints = inlayHints(analyzeText(text, { path: 'vm.sh' }, profile), wholeDocument);
  const summary = hints.find((hint) => hint.position.line === lineOf(scriptLines, 'qemu-system-x86_64'));
  assert.match(summary?.label ?? '', /^KVM \d+\/32764 · vu fs0 \d+\/509 · starts$/);
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
  assert.match(summary?.label ?? '', /refused at fs0/);
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
  assert.match(hints.find((hint) => hint.position.line === lineOf(lines, 'qemu-system-x86_64'))?.label ?? '', /· vu net0 \d+\/8 · starts$/);
});
