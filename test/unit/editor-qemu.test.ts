import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuDocument } from '../../server/src/frontends/qemu/index';
import { quotingAt } from '../../server/src/frontends/qemu/editor';
import { DocumentText } from '../../server/src/model/document-text';
import type { DocumentEditor } from '../../server/src/model/edits';
import type { TextEdit } from '../../server/src/model/findings';
import type { Device, MachineModel } from '../../server/src/model/machine';

/**
 * The QEMU front end's editor (server/src/frontends/qemu/editor.ts) on shell words: every edited
 * script is read back by the front end, which must see the intended property and no new problem.
 */
function open(text: string): { model: MachineModel; editor: DocumentEditor } {
  const result = parseQemuDocument(text, 'shell');
  const model = result.machines[0];
  assert.ok(model, 'one invocation');
  return { model, editor: result.editorFor(model) };
}

function apply(text: string, edits: Array<TextEdit | null> | null): string {
  assert.ok(edits, 'the editor offers edits');
  return new DocumentText(text).applyEdits(edits.map((edit) => edit ?? assert.fail('no edit')));
}

/** The device of the edited text with that id, after checking the text reads back without new problems. */
function reread(text: string, id: string): Device {
  const { model } = open(text);
  assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], text);
  const device = model.devices.find((d) => d.id?.value === id);
  assert.ok(device, `device ${id} in:\n${text}`);
  return device;
}

function propertyOf(device: Device, key: string): unknown {
  return device.properties.find((p) => p.key === key)?.value;
}

const head = 'qemu-system-x86_64 -M q35 -m 4G,maxmem=68G -object memory-backend-ram,id=m0,size=64G \\\n  ';

function setDynamic(device: string, value = true): string {
  const text = `${head}${device}\n`;
  const { model, editor } = open(text);
  const vm0 = model.devices[0];
  return apply(text, [editor.setProperty(vm0, 'dynamic-memslots', value)]);
}

test('setProperty appends a QemuOpts property, or replaces the written value in place', () => {
  assert.equal(setDynamic('-device virtio-mem-pci,id=vm0,memdev=m0'), `${head}-device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on\n`);
  assert.equal(setDynamic('-device virtio-mem-pci,id=vm0,dynamic-memslots=on,memdev=m0', false), `${head}-device virtio-mem-pci,id=vm0,dynamic-memslots=off,memdev=m0\n`);
});

test('setProperty keeps a quoted word one word: inside a closing quote, escaped for double quotes', () => {
  const single = setDynamic("-device 'virtio-mem-pci,id=vm0,memdev=m0'");
  assert.equal(single, `${head}-device 'virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on'\n`);
  assert.equal(propertyOf(reread(single, 'vm0'), 'dynamic-memslots'), 'on');
  // Only the last value is quoted: the shell still joins it into one word QemuOpts splits.
  const partly = setDynamic('-device virtio-mem-pci,memdev=m0,id="vm0"');
  assert.equal(propertyOf(reread(partly, 'vm0'), 'dynamic-memslots'), 'on');
  assert.equal(reread(partly, 'vm0').id?.value, 'vm0');
});

test('setProperty on a word continued over lines inserts at the end of the option, before the continuation', () => {
  const text = `${head}-device virtio-mem-pci,id=vm0,memdev=m0 \\\n  -device virtio-net-pci,id=n0\n`;
  const { model, editor } = open(text);
  const fixed = apply(text, [editor.setProperty(model.devices[0], 'dynamic-memslots', true)]);
  assert.equal(fixed, `${head}-device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\\n  -device virtio-net-pci,id=n0\n`);
  assert.ok(reread(fixed, 'n0'));
});

test('setProperty on JSON -device: a JSON member, escaped inside double quotes, no comma after an empty object', () => {
  const json = setDynamic(`-device '{"driver":"virtio-mem-pci","id":"vm0","memdev":"m0"}'`);
  assert.equal(json, `${head}-device '{"driver":"virtio-mem-pci","id":"vm0","memdev":"m0","dynamic-memslots":true}'\n`);
  assert.equal(propertyOf(reread(json, 'vm0'), 'dynamic-memslots'), true);
  const escaped = setDynamic('-device "{\\"driver\\":\\"virtio-mem-pci\\",\\"id\\":\\"vm0\\",\\"memdev\\":\\"m0\\"}"');
  assert.ok(escaped.includes(',\\"dynamic-memslots\\":true}"'), escaped);
  assert.equal(propertyOf(reread(escaped, 'vm0'), 'dynamic-memslots'), true);
  const replaced = setDynamic(`-device '{"driver":"virtio-mem-pci","id":"vm0","memdev":"m0","dynamic-memslots":true}'`, false);
  assert.equal(propertyOf(reread(replaced, 'vm0'), 'dynamic-memslots'), false);
  assert.equal(quotingAt(`'{ }'`, 2), 'single');
});

test('quotingAt follows the shell: backslashes, and single quotes inside double quotes', () => {
  assert.equal(quotingAt(`a"b'c`, 5), 'double');
  assert.equal(quotingAt(`a\\"b`, 4), 'none');
  assert.equal(quotingAt(`"a\\"b`, 5), 'double');
  assert.equal(quotingAt(`'a\\'b`, 5), 'none');
});

function removeDynamic(device: string): string {
  const text = `${head}${device}\n`;
  const { model, editor } = open(text);
  return apply(text, [editor.removeProperty(model.devices[0], 'dynamic-memslots')]);
}

test('removeProperty takes the separator with it, in QemuOpts and JSON, quoted or escaped', () => {
  assert.equal(removeDynamic('-device virtio-mem-pci,id=vm0,dynamic-memslots=on,memdev=m0'), `${head}-device virtio-mem-pci,id=vm0,memdev=m0\n`);
  assert.equal(removeDynamic('-device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on'), `${head}-device virtio-mem-pci,id=vm0,memdev=m0\n`);
  assert.equal(removeDynamic(`-device '{"driver":"virtio-mem-pci","id":"vm0","dynamic-memslots":true,"memdev":"m0"}'`),
    `${head}-device '{"driver":"virtio-mem-pci","id":"vm0","memdev":"m0"}'\n`);
  const escaped = removeDynamic('-device "{\\"driver\\":\\"virtio-mem-pci\\",\\"id\\":\\"vm0\\",\\"dynamic-memslots\\":true,\\"memdev\\":\\"m0\\"}"');
  assert.equal(escaped, `${head}-device "{\\"driver\\":\\"virtio-mem-pci\\",\\"id\\":\\"vm0\\",\\"memdev\\":\\"m0\\"}"\n`);
  assert.equal(propertyOf(reread(escaped, 'vm0'), 'dynamic-memslots'), undefined);
  const { model, editor } = open(`${head}-device virtio-mem-pci,id=vm0,memdev=m0\n`);
  assert.equal(editor.removeProperty(model.devices[0], 'dynamic-memslots'), null, 'nothing written, nothing removed');
});

test('moveBefore moves whole options with the layout of continued lines', () => {
  const text = 'qemu-system-x86_64 -m 4G \\\n  -device virtio-mem-pci,id=vm0,memdev=m0 \\\n  -chardev socket,id=c0,path=/s \\\n  -device vhost-user-fs-pci,id=fs0,chardev=c0\n';
  const { model, editor } = open(text);
  const fs0 = model.devices.find((d) => d.id?.value === 'fs0');
  assert.ok(fs0);
  const moved = apply(text, editor.moveBefore([model.chardevs[0], fs0], model.devices[0]));
  assert.equal(moved, 'qemu-system-x86_64 -m 4G \\\n  -chardev socket,id=c0,path=/s \\\n  -device vhost-user-fs-pci,id=fs0,chardev=c0 \\\n  -device virtio-mem-pci,id=vm0,memdev=m0\n');
  assert.equal(editor.vocabulary.fixedOrder, undefined, 'on a command line the text order is QEMU\'s order');
});

test('setMemoryLimits appends to -m in one insertion, or replaces written values; sizes in the largest unit', () => {
  const text = 'qemu-system-x86_64 -m 4G -device pc-dimm,id=d0,memdev=m0\n';
  const { editor } = open(text);
  const both = editor.setMemoryLimits({ maxmem: 6 * 2 ** 30, slots: 2 });
  assert.equal(both?.title, 'Set maxmem=6G and slots=2 on -m');
  assert.equal(both?.edits.length, 1);
  assert.equal(apply(text, both?.edits ?? null), 'qemu-system-x86_64 -m 4G,maxmem=6G,slots=2 -device pc-dimm,id=d0,memdev=m0\n');
  const written = 'qemu-system-x86_64 -m 4G,slots=1,maxmem=5G\n';
  const { editor: writtenEditor } = open(written);
  assert.equal(apply(written, writtenEditor.setMemoryLimits({ maxmem: 4 * 2 ** 30 + 512 * 2 ** 20, slots: 3 })?.edits ?? null), 'qemu-system-x86_64 -m 4G,slots=3,maxmem=4608M\n');
});

test('ensureSharedMemory: share=on (and memfd where the type has no fd), or a memfd backend for implicit boot RAM', () => {
  const text = 'qemu-system-x86_64 -m 4G -object memory-backend-ram,id=r,size=4G -machine memory-backend=r\n';
  const { model, editor } = open(text);
  const withType = editor.ensureSharedMemory(model.backends.find((b) => b.id?.value === 'r'), { needsFdType: true });
  assert.equal(withType?.title, "Use shared, fd-backed memory for 'r' (memory-backend-memfd, share=on)");
  assert.equal(apply(text, withType?.edits ?? null), 'qemu-system-x86_64 -m 4G -object memory-backend-memfd,id=r,size=4G,share=on -machine memory-backend=r\n');
  const implicit = 'qemu-system-x86_64 -m 4G -device vhost-user-fs-pci,chardev=c0\n';
  const { model: implicitModel, editor: implicitEditor } = open(implicit);
  const added = implicitEditor.ensureSharedMemory(undefined, { needsFdType: true });
  const fixed = apply(implicit, added?.edits ?? null);
  assert.equal(fixed, 'qemu-system-x86_64 -m 4G -object memory-backend-memfd,id=guest-ram,size=4096M,share=on -machine memory-backend=guest-ram -device vhost-user-fs-pci,chardev=c0\n');
  assert.equal(implicitModel.machine.memoryBackend, undefined);
  assert.equal(open(fixed).model.machine.memoryBackend?.value, 'guest-ram');
});

test('rewriteInQemuOptsForm keeps the flag and writes the properties as one QemuOpts word; QemuOpts devices are left alone', () => {
  const text = `qemu-system-x86_64 -m 4G -chardev socket,id=c0,path=/s -device '{"driver":"vhost-user-fs-pci","id":"fs0","chardev":"c0","tag":"a,b"}' -device virtio-net-pci,id=n0\n`;
  const { model, editor } = open(text);
  const fixed = apply(text, [editor.rewriteInQemuOptsForm(model.devices[0])]);
  assert.equal(fixed, 'qemu-system-x86_64 -m 4G -chardev socket,id=c0,path=/s -device vhost-user-fs-pci,id=fs0,chardev=c0,tag=a,,b -device virtio-net-pci,id=n0\n');
  assert.equal(reread(fixed, 'fs0').syntax, 'qemuopts');
  assert.equal(propertyOf(reread(fixed, 'fs0'), 'tag'), 'a,b');
  assert.equal(editor.rewriteInQemuOptsForm(model.devices[1]), null);
});

test('insertDirective writes a # memslot: line above a continued command, with its indentation', () => {
  const text = 'echo start\n  qemu-system-x86_64 \\\n  -m 4G\n';
  const { editor } = open(text);
  assert.equal(apply(text, [editor.insertDirective('--vhost-user', '/run/a b.sock=509')]), 'echo start\n  # memslot: --vhost-user "/run/a b.sock=509"\n  qemu-system-x86_64 \\\n  -m 4G\n');
  assert.equal(editor.vocabulary.directive('host-phys-bits', 'N'), '# memslot: --host-phys-bits N');
  assert.equal(editor.vocabulary.assignment('dynamic-memslots', false), 'dynamic-memslots=off');
});
