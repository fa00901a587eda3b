import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsAt, optionDocAt } from '../../server/src/features/completion';
import { propertiesOf } from '../../server/src/features/option-docs';

/** Completions with the cursor at the `|` of `text`. */
function at(text: string, kind: 'shell' | 'libvirt-xml' = 'shell') {
  const offset = text.indexOf('|');
  const clean = text.replace('|', '');
  const before = clean.slice(0, offset).split('\n');
  return completionsAt(clean, kind, { line: before.length - 1, character: before[before.length - 1].length });
}
const labels = (items: ReturnType<typeof at>) => items.map((item) => item.label);

test('-device and -object: drivers and object types, each with its doc', () => {
  const drivers = at('qemu-system-x86_64 -m 4G \\\n  -device |');
  assert.ok(labels(drivers).includes('virtio-mem-pci'));
  assert.ok(labels(drivers).includes('vhost-user-fs-pci'));
  assert.ok(drivers.every((item) => item.documentation.length > 0 && item.kind === 'driver'));
  assert.ok(labels(at('qemu-system-x86_64 -object mem|')).includes('memory-backend-memfd'));
});

test('after a comma: the memory-related properties of that driver not yet written, inserted with =', () => {
  const props = at('qemu-system-x86_64 -device virtio-mem-pci,id=vm0,memdev=m0,|');
  assert.ok(labels(props).includes('dynamic-memslots'));
  assert.ok(labels(props).includes('requested-size'));
  assert.ok(!labels(props).includes('memdev'), 'memdev is already written');
  assert.equal(props.find((item) => item.label === 'dynamic-memslots')?.insertText, 'dynamic-memslots=');
  assert.ok(labels(at('qemu-system-x86_64 -object memory-backend-memfd,id=m0,|')).includes('share'));
  // Typing a value: nothing to complete.
  assert.deepEqual(at('qemu-system-x86_64 -device virtio-mem-pci,dynamic-memslots=|'), []);
  // Elsewhere on the line: nothing.
  assert.deepEqual(at('qemu-system-x86_64 -m |'), []);
});

test('directive options in a memslot: comment, in scripts and XML', () => {
  assert.ok(labels(at('# memslot: |')).includes('--vhost-user'));
  assert.ok(labels(at('# memslot: --qemu 9.2 --vh|')).includes('--vhost-user-unknown'));
  assert.ok(labels(at("<!-- memslot: |", 'libvirt-xml')).includes('disable'));
});

test('libvirt: <memory model=…> values, <target> children and its dynamicMemslots attribute', () => {
  assert.deepEqual(labels(at("<domain>\n  <devices>\n    <memory model='|", 'libvirt-xml')), ['dimm', 'nvdimm', 'virtio-mem', 'virtio-pmem', 'sgx-epc']);
  const children = at("<domain><devices>\n<memory model='virtio-mem'>\n  <target>\n    <|", 'libvirt-xml');
  assert.ok(labels(children).includes('requested'));
  const attribute = at("<domain><devices>\n<memory model='virtio-mem'>\n  <target |", 'libvirt-xml');
  assert.deepEqual(attribute.map((item) => item.insertText), ["dynamicMemslots='yes'"]);
  // Outside a <memory>: no memory children offered.
  assert.deepEqual(at("<domain><devices>\n<disk>\n  <target>\n    <|", 'libvirt-xml'), []);
});

test('hover docs on a property, a driver and a directive option', () => {
  const text = '# memslot: --vhost-user /s=32\nqemu-system-x86_64 -device virtio-mem-pci,dynamic-memslots=on';
  assert.match(optionDocAt(text, 'shell', { line: 1, character: text.split('\n')[1].indexOf('dynamic-memslots') + 3 }) ?? '', /^`dynamic-memslots`: on: several memslots/);
  assert.match(optionDocAt(text, 'shell', { line: 1, character: text.split('\n')[1].indexOf('virtio-mem-pci') + 2 }) ?? '', /^`virtio-mem-pci`: Resizable/);
  assert.match(optionDocAt(text, 'shell', { line: 0, character: 14 }) ?? '', /^`--vhost-user`: SOCKET=N/);
  assert.equal(optionDocAt(text, 'shell', { line: 1, character: 2 }), undefined);
  assert.ok(propertiesOf('unknown-driver').length === 0);
});
