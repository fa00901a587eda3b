import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readXml, childElements, attribute, textContent, type XmlElement } from '../../server/src/frontends/libvirt/xml';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import type { Range } from '../../server/src/model/range';

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

function only(text: string): XmlElement {
  const doc = readXml(text);
  assert.ok(doc.root, 'root element');
  return doc.root;
}

test('element, attribute name and value ranges are exact (0-based lines and characters)', () => {
  const text = "<domain type='kvm'>\n  <memory unit=\"KiB\">1024</memory>\n</domain>\n";
  const doc = readXml(text);
  assert.deepEqual(doc.diagnostics, []);
  const domain = doc.root!;
  assert.equal(domain.name, 'domain');
  assert.deepEqual(domain.nameRange, r(0, 1, 0, 7));
  assert.deepEqual(domain.startTagRange, r(0, 0, 0, 19));
  assert.deepEqual(domain.range, r(0, 0, 2, 9));
  const type = attribute(domain, 'type')!;
  assert.deepEqual(type.nameRange, r(0, 8, 0, 12));
  assert.deepEqual(type.valueRange, r(0, 14, 0, 17));
  assert.equal(type.value, 'kvm');
  const memory = childElements(domain, 'memory')[0];
  assert.deepEqual(memory.startTagRange, r(1, 2, 1, 21));
  assert.deepEqual(memory.range, r(1, 2, 1, 34));
  assert.deepEqual(attribute(memory, 'unit')!.valueRange, r(1, 16, 1, 19));
  const content = textContent(memory)!;
  assert.equal(content.text, '1024');
  assert.deepEqual(content.range, r(1, 21, 1, 25));
});

test('text content range skips surrounding blanks across lines', () => {
  const el = only('<a>\n   /usr/bin/qemu  \n</a>');
  const content = textContent(el)!;
  assert.equal(content.text, '/usr/bin/qemu');
  assert.deepEqual(content.range, r(1, 3, 1, 16));
});

test('CRLF line ends count as one line break', () => {
  const doc = readXml("<a>\r\n<b x='1'/>\r\n</a>");
  const b = childElements(doc.root!, 'b')[0];
  assert.deepEqual(b.range, r(1, 0, 1, 10));
  assert.deepEqual(attribute(b, 'x')!.valueRange, r(1, 6, 1, 7));
});

test('predefined and numeric entities are decoded in text and attributes', () => {
  const el = only(`<a t="&lt;&amp;&quot;&apos;&gt;">x &#65;&#x42; &amp; y</a>`);
  assert.equal(attribute(el, 't')!.value, `<&"'>`);
  assert.equal(textContent(el)!.text, 'x AB & y');
});

test('an unknown entity is reported and kept literally', () => {
  const doc = readXml('<a>&nbsp;</a>');
  assert.equal(doc.diagnostics.length, 1);
  assert.equal(doc.diagnostics[0].code, 'MS908');
  assert.deepEqual(doc.diagnostics[0].range, r(0, 3, 0, 9));
});

test('comments, CDATA and processing instructions are read', () => {
  const doc = readXml("<?xml version='1.0'?>\n<!-- note -->\n<a><![CDATA[1<2]]><!--c--></a>");
  assert.deepEqual(doc.diagnostics, []);
  assert.deepEqual(doc.children.map((n) => n.kind), ['pi', 'comment', 'element']);
  const pi = doc.children[0];
  assert.ok(pi.kind === 'pi' && pi.target === 'xml');
  const a = doc.root!;
  assert.deepEqual(a.children.map((n) => n.kind), ['cdata', 'comment']);
  assert.equal(textContent(a)!.text, '1<2');
});

test('an unclosed element at end of document keeps the tree and reports where', () => {
  const text = "<domain>\n  <devices>\n    <memory model='virtio-mem'>\n";
  const doc = readXml(text);
  const domain = doc.root!;
  const devices = childElements(domain, 'devices')[0];
  const memory = childElements(devices, 'memory')[0];
  assert.equal(attribute(memory, 'model')!.value, 'virtio-mem');
  assert.equal(memory.closed, false);
  assert.equal(doc.diagnostics.length, 1);
  assert.equal(doc.diagnostics[0].code, 'MS908');
  assert.deepEqual(doc.diagnostics[0].range, r(2, 5, 2, 11), 'the innermost open element name');
  assert.match(doc.diagnostics[0].message, /<memory> is not closed/);
});

test('a half-written attribute value stops at the end of its line and the rest still parses', () => {
  const text = "<a>\n  <b model='virt\n  <c x='1'/>\n</a>";
  const doc = readXml(text);
  const a = doc.root!;
  const b = childElements(a, 'b')[0];
  assert.equal(attribute(b, 'model')!.value, 'virt');
  assert.deepEqual(attribute(b, 'model')!.valueRange, r(1, 12, 1, 16));
  // <c> is read as a child of the (unclosed) <b>, and </a> closes both.
  const c = childElements(b, 'c')[0];
  assert.equal(attribute(c, 'x')!.value, '1');
  assert.equal(a.closed, true);
  assert.ok(doc.diagnostics.some((d) => d.code === 'MS908' && d.range.start.line === 1));
});

test('an attribute without a value and a tag cut off by EOF are reported, not thrown', () => {
  const doc = readXml('<a><b x y="2"/><c z="3"');
  const a = doc.root!;
  const b = childElements(a, 'b')[0];
  assert.deepEqual(b.attributes.map((x) => [x.name, x.value]), [['x', ''], ['y', '2']]);
  const c = childElements(a, 'c')[0];
  assert.equal(attribute(c, 'z')!.value, '3');
  assert.ok(doc.diagnostics.length >= 2);
  assert.ok(doc.diagnostics.every((d) => d.code === 'MS908'));
});

test('a mismatched end tag closes the open elements up to its match', () => {
  const doc = readXml('<a><b><c></b><d/></a>');
  const a = doc.root!;
  const b = childElements(a, 'b')[0];
  assert.equal(b.closed, true);
  assert.equal(childElements(b, 'c')[0].closed, false);
  assert.equal(childElements(a, 'd').length, 1, '<d> is a child of <a> again');
  assert.equal(doc.diagnostics.length, 1);
  assert.deepEqual(doc.diagnostics[0].range, r(0, 7, 0, 8), 'at the name of the unclosed <c>');
});

test('a stray end tag is reported and ignored', () => {
  const doc = readXml('<a></x></a>');
  assert.equal(doc.root!.closed, true);
  assert.equal(doc.diagnostics.length, 1);
  assert.deepEqual(doc.diagnostics[0].range, r(0, 3, 0, 7));
});

test('empty and garbage documents give a finding and no exception', () => {
  for (const text of ['', '   ', 'hello', '<', '</', '<!--', '<![CDATA[', '<?x', '<a', "<a b='", '<a b=', '&', '<<<>>>', '<a></a><b/>']) {
    const doc = readXml(text);
    assert.ok(doc.diagnostics.length > 0, `finding for ${JSON.stringify(text)}`);
    assert.ok(doc.diagnostics.every((d) => d.code === 'MS908'));
  }
});

const corpus = resolve(process.cwd(), 'test/fixtures/libvirt-corpus');
const prefixFiles = ['memory-hotplug-virtio-mem.xml', 'vhost-user-fs-hugepages.xml', 'net-vhostuser-multiq.xml', 'hugepages-memaccess2.xml'];

for (const name of prefixFiles) {
  test(`every prefix of ${name} parses without throwing and yields a result`, () => {
    const text = readFileSync(resolve(corpus, name), 'utf8');
    let withMachine = 0;
    for (let end = 0; end <= text.length; end++) {
      const prefix = text.slice(0, end);
      const result = parseLibvirtDomain(prefix);
      assert.ok(Array.isArray(result.machines) && Array.isArray(result.diagnostics));
      if (result.machines.length === 1) withMachine++;
      // Any prefix that ends before </domain> is not well-formed, and must say so.
      if (end > 0 && end < text.trimEnd().length) {
        assert.ok(result.diagnostics.length > 0, `a finding for the prefix of length ${end}`);
      }
    }
    assert.ok(withMachine > text.length - 20, 'a machine from nearly every prefix (all after "<domain")');
    // The whole file: no XML finding.
    assert.deepEqual(parseLibvirtDomain(text).diagnostics, []);
  });
}

test('a prefix keeps the model parts already understood', () => {
  const text = readFileSync(resolve(corpus, 'memory-hotplug-virtio-mem.xml'), 'utf8');
  const cut = text.indexOf("<target dynamicMemslots='yes'>");
  const result = parseLibvirtDomain(text.slice(0, cut));
  const machine = result.machines[0];
  const devices = machine.devices.filter((d) => d.kind === 'memory-device');
  // The second virtio-mem has no <size> yet, so it cannot be modelled; the first one is kept.
  assert.equal(devices.length, 1);
  assert.equal(devices[0].id?.value, 'virtiomem0');
  assert.equal(machine.backends.find((b) => b.id?.value === 'ram-node0')?.size?.value, 2095104 * 1024);
});
