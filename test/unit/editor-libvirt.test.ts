import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import { DocumentText } from '../../server/src/model/document-text';
import type { DocumentEditor } from '../../server/src/model/edits';
import type { TextEdit } from '../../server/src/model/findings';
import type { MachineModel, MemoryDevice } from '../../server/src/model/machine';
import { virtioMemVirtiofsDomain } from './domain-fixtures';

/**
 * The libvirt front end's editor (server/src/frontends/libvirt/editor.ts) on the XML tree: every
 * edited domain is read back, and must be well-formed and mean what the edit intended.
 */
function open(text: string): { model: MachineModel; editor: DocumentEditor } {
  const result = parseLibvirtDomain(text);
  const model = result.machines[0];
  assert.ok(model, 'one domain');
  return { model, editor: result.editorFor(model) };
}

function apply(text: string, edits: Array<TextEdit | null> | null | undefined): string {
  assert.ok(edits, 'the editor offers edits');
  return new DocumentText(text).applyEdits(edits.map((edit) => edit ?? assert.fail('no edit')));
}

function reread(text: string): MachineModel {
  const result = parseLibvirtDomain(text);
  const problems = [...result.diagnostics, ...result.machines.flatMap((m) => m.diagnostics)].filter((d) => d.severity === 'error');
  assert.deepEqual(problems.map((p) => p.message), [], text);
  const model = result.machines[0];
  assert.ok(model);
  return model;
}

function virtioMemOf(model: MachineModel): MemoryDevice {
  const device = model.devices.find((d): d is MemoryDevice => d.kind === 'memory-device');
  assert.ok(device, 'a virtio-mem device');
  return device;
}

/** A domain with guest NUMA and no virtio-mem, `backing` written after <memory>. */
const domain = (backing: string) => `<domain type='kvm'>
  <name>guest</name>
  <memory unit='GiB'>2</memory>${backing}
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0-1' memory='2' unit='GiB'/></numa></cpu>
</domain>
`;

function setDynamic(target: string, value: boolean): string {
  const text = virtioMemVirtiofsDomain(target);
  const { model, editor } = open(text);
  return apply(text, [editor.setProperty(virtioMemOf(model), 'dynamic-memslots', value)]);
}

test("setProperty adds dynamicMemslots to <target> in the quotes its neighbours use, or replaces a written value in its own", () => {
  const added = setDynamic('', true);
  assert.equal(added, virtioMemVirtiofsDomain(" dynamicMemslots='yes'"));
  assert.equal(virtioMemOf(reread(added)).dynamicMemslots?.value, true);
  const doubleQuoted = setDynamic(' foo="x"', false);
  assert.equal(doubleQuoted, virtioMemVirtiofsDomain(' dynamicMemslots="no" foo="x"'));
  assert.equal(virtioMemOf(reread(doubleQuoted)).dynamicMemslots?.value, false);
  const replaced = setDynamic(' dynamicMemslots="yes"', false);
  assert.equal(replaced, virtioMemVirtiofsDomain(' dynamicMemslots="no"'));
  assert.equal(setDynamic("\n        dynamicMemslots='no'", true), virtioMemVirtiofsDomain("\n        dynamicMemslots='yes'"));
});

test('what domain XML cannot say is not offered: QEMU-only properties, moves, JSON rewrites, removals', () => {
  const text = virtioMemVirtiofsDomain(" dynamicMemslots='yes'");
  const { model, editor } = open(text);
  const device = virtioMemOf(model);
  assert.equal(editor.setProperty(device, 'unplugged-inaccessible', true), null);
  assert.equal(editor.removeProperty(device, 'dynamic-memslots'), null);
  assert.equal(editor.moveBefore([device], device), null);
  assert.equal(editor.rewriteInQemuOptsForm(device), null);
  // A block size that is not a whole number of KiB has no libvirt spelling.
  assert.equal(editor.setProperty(device, 'block-size', 1536), null);
  assert.match(editor.vocabulary.fixedOrder ?? '', /libvirt emits memory devices before vhost-user devices/);
});

function shared(backing: string): string {
  const text = domain(backing);
  const { editor } = open(text);
  const proposed = editor.ensureSharedMemory(undefined, { needsFdType: true });
  assert.equal(proposed?.title, "Share guest memory: <memoryBacking><access mode='shared'/>");
  const fixed = apply(text, proposed?.edits);
  // libvirt shares guest memory when <access mode='shared'/> is in <memoryBacking>: the model says so.
  const backends = reread(fixed).backends;
  assert.ok(backends.length > 0 && backends.every((b) => b.share.value), fixed);
  return fixed;
}

test('ensureSharedMemory creates <memoryBacking> after <memory>, on its own line with its indentation', () => {
  assert.equal(shared(''), domain("\n  <memoryBacking><access mode='shared'/></memoryBacking>"));
});

test('ensureSharedMemory opens a self-closing <memoryBacking/> (with or without a blank before />)', () => {
  assert.equal(shared('\n  <memoryBacking/>'), domain("\n  <memoryBacking><access mode='shared'/></memoryBacking>"));
  assert.equal(shared("\n  <memoryBacking  />"), domain("\n  <memoryBacking><access mode='shared'/></memoryBacking>"));
});

test('ensureSharedMemory adds <access> to an open <memoryBacking>, sets a private mode in either quotes, adds a missing mode', () => {
  assert.equal(shared("\n  <memoryBacking><source type='memfd'/></memoryBacking>"), domain("\n  <memoryBacking><access mode='shared'/><source type='memfd'/></memoryBacking>"));
  assert.equal(shared('\n  <memoryBacking><access mode="private"/></memoryBacking>'), domain('\n  <memoryBacking><access mode="shared"/></memoryBacking>'));
  assert.equal(shared("\n  <memoryBacking><access mode='private'/></memoryBacking>"), domain("\n  <memoryBacking><access mode='shared'/></memoryBacking>"));
  assert.equal(shared('\n  <memoryBacking><access/></memoryBacking>'), domain("\n  <memoryBacking><access mode='shared'/></memoryBacking>"));
});

test('ensureSharedMemory looks only at the domain\'s own <memoryBacking>, not at text that looks like one', () => {
  // A comment and a device's <memory> element mention the names; neither is edited.
  const text = domain("\n  <!-- <memoryBacking><access mode='private'/></memoryBacking> -->");
  const fixed = shared("\n  <!-- <memoryBacking><access mode='private'/></memoryBacking> -->");
  assert.equal(fixed, text.replace('<memory unit=\'GiB\'>2</memory>', "<memory unit='GiB'>2</memory>\n  <memoryBacking><access mode='shared'/></memoryBacking>"));
});

test('insertDirective writes an XML comment without double hyphens above <domain>; the vocabulary speaks libvirt', () => {
  const text = `<?xml version='1.0'?>\n${domain('')}`;
  const { editor } = open(text);
  const fixed = apply(text, [editor.insertDirective('--vhost-user', '/run/fs.sock=509')]);
  assert.ok(fixed.startsWith("<?xml version='1.0'?>\n<!-- memslot: vhost-user /run/fs.sock=509 -->\n<domain"), fixed);
  reread(fixed);
  assert.equal(editor.vocabulary.assignment('dynamic-memslots', false), "dynamicMemslots='no'");
  assert.equal(editor.vocabulary.directive('--host-cpu-vendor', '…'), '<!-- memslot: host-cpu-vendor … -->');
  assert.equal(editor.vocabulary.unsupportedProperty('dynamic-memslots', '8.1', 'QEMU says no').refuser, 'libvirt');
});

const GiB = 2 ** 30;

test('setProperty block-size replaces <block> in <target> with the size in KiB; the model reads the new size', () => {
  const text = virtioMemVirtiofsDomain('');
  const { model, editor } = open(text);
  const fixed = apply(text, [editor.setProperty(virtioMemOf(model), 'block-size', '8M')]);
  assert.equal(fixed, text.replace("<block unit='MiB'>2</block>", "<block unit='KiB'>8192</block>"));
  assert.equal(virtioMemOf(reread(fixed)).blockSize?.value, 8 * 2 ** 20);
  assert.equal(editor.vocabulary.assignment('block-size', '8M'), "<block unit='KiB'>8192</block>");
});

test('setProperty block-size adds <block> to a <target> without one', () => {
  const text = virtioMemVirtiofsDomain('').replace("        <block unit='MiB'>2</block>\n", '');
  const { model, editor } = open(text);
  const fixed = apply(text, [editor.setProperty(virtioMemOf(model), 'block-size', 4 * 2 ** 20)]);
  assert.match(fixed, /<target><block unit='KiB'>4096<\/block>\n/);
  assert.equal(virtioMemOf(reread(fixed)).blockSize?.value, 4 * 2 ** 20);
});

test('setMemoryLimits sets <maxMemory> in its own unit when it divides, else in KiB, and adds slots', () => {
  const text = virtioMemVirtiofsDomain('');
  const { editor } = open(text);
  const inGiB = editor.setMemoryLimits({ maxmem: 128 * GiB, slots: 4 });
  assert.equal(inGiB?.title, "Set <maxMemory slots='4'> to 128 GiB");
  const fixedGiB = apply(text, inGiB?.edits);
  assert.match(fixedGiB, /<maxMemory slots='4' unit='GiB'>128<\/maxMemory>/);
  const memory = reread(fixedGiB).memory;
  assert.equal(memory.maxmem?.value, 128 * GiB);
  assert.equal(memory.slots?.value, 4);
  const odd = 64 * GiB + 2 ** 20;
  const fixedKiB = apply(text, editor.setMemoryLimits({ maxmem: odd })?.edits);
  assert.match(fixedKiB, new RegExp(`<maxMemory unit='KiB'>${odd / 1024}</maxMemory>`));
  assert.equal(reread(fixedKiB).memory.maxmem?.value, odd);
});

test('setMemoryLimits adds <maxMemory> on its own line before <memory>, and only with a maximum', () => {
  const text = virtioMemVirtiofsDomain('').replace("  <maxMemory unit='GiB'>64</maxMemory>\n", '');
  const { editor } = open(text);
  assert.equal(editor.setMemoryLimits({ slots: 2 }), null);
  const proposed = editor.setMemoryLimits({ maxmem: 64 * GiB, slots: 2 });
  assert.equal(proposed?.title, "Add <maxMemory slots='2' unit='KiB'>67108864</maxMemory>");
  const fixed = apply(text, proposed?.edits);
  assert.match(fixed, /\n {2}<maxMemory slots='2' unit='KiB'>67108864<\/maxMemory>\n {2}<memory unit='GiB'>2<\/memory>/);
  const memory = reread(fixed).memory;
  assert.equal(memory.maxmem?.value, 64 * GiB);
  assert.equal(memory.slots?.value, 2);
});
