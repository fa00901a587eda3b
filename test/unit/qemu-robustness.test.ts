import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseQemuDocument } from '../../server/src/frontends/qemu';

const sampleScript = `#!/bin/bash
set -euo pipefail
QEMU=\${QEMU:-qemu-system-x86_64}
MEM=4G
OPTS="-smp 4 -nographic"
cat <<'END' > /tmp/notes
qemu-system-x86_64 -m 1
END
exec sudo -E $QEMU $OPTS \\
  -machine q35,accel=kvm,memory-backend=pc.ram \\
  -m "$MEM",slots=8,maxmem=64G \\
  # comment between continued lines
  -object memory-backend-memfd,id=pc.ram,size=$MEM,share=on \\
  -object '{"qom-type":"memory-backend-ram","id":"m0","size":8589934592}' \\
  -device virtio-mem-pci,id=vm0,memdev=m0,requested-size=1G,dynamic-memslots=on \\
  -chardev socket,id=c0,path=/tmp/vhost.sock,server=on,wait=off \\
  -netdev vhost-user,id=n0,chardev=c0 -device virtio-net-pci,netdev=n0 \\
  -device "vhost-user-fs-pci,chardev=c0,tag=fs" $(extra_args) \`more\` "$@"
`;

function parsesEveryPrefix(text: string, kind: 'shell' | 'args', step: number): void {
  for (let end = 0; end <= text.length; end += step) {
    const prefix = text.slice(0, end);
    const result = parseQemuDocument(prefix, kind);
    assert.ok(Array.isArray(result.machines) && Array.isArray(result.diagnostics), `prefix of length ${end}`);
    for (const finding of result.diagnostics) assert.ok(!finding.message.startsWith('internal error'), `prefix ${end}: ${finding.message}`);
    for (const machine of result.machines) {
      for (const finding of machine.diagnostics) {
        assert.ok(!finding.message.startsWith('internal error'), `prefix ${end}: ${finding.message}`);
      }
      assert.ok(!machine.unmodelled.some((u) => u.reason.startsWith('internal error')), `prefix ${end}`);
    }
  }
}

test('every prefix of a sample script parses without throwing', () => {
  parsesEveryPrefix(sampleScript, 'shell', 1);
  parsesEveryPrefix(sampleScript, 'args', 7);
});

test('the sample script itself gives the expected model', () => {
  const { machines, diagnostics } = parseQemuDocument(sampleScript, 'shell');
  assert.deepEqual(diagnostics, []);
  assert.equal(machines.length, 1);
  const m = machines[0];
  assert.equal(m.binary?.value, 'qemu-system-x86_64');
  assert.equal(m.memory.size?.value, 4 * 1024 ** 3);
  assert.equal(m.memory.slots?.value, 8);
  assert.deepEqual(m.backends.map((b) => b.id?.value), ['pc.ram', 'm0']);
  assert.deepEqual(m.devices.map((d) => d.kind), ['memory-device', 'net-device', 'vhost-device']);
  assert.deepEqual(m.unmodelled.map((u) => u.option), ['-smp', '-nographic', '$(extra_args)', '`more`', '$@']);
  // Each unknown expansion that stands for whole options says that they go unanalysed.
  assert.deepEqual(m.diagnostics.map((d) => `${d.code} ${d.data?.hidden}`), ['MS906 $(extra_args) hides options', 'MS906 `more` hides options', 'MS906 $@ hides options']);
});

test('garbage and edge inputs do not throw', () => {
  const inputs = ['', '\\', '"', "'", '$', '${', '$(', '`', '#', '-', '--', '-m', 'qemu-system-x86_64 -device {',
    'qemu-system-x86_64 -object \'{"qom-type":', '\r\n\\\r\n', 'qemu-system-x86_64 -m ,,,=,', '<<', 'a <<EOF',
    '\u{1F600}qemu-system-x86_64 -name \u{1F600}', 'qemu-system-x86_64 -device ' + '['.repeat(5000)];
  for (const input of inputs) {
    for (const kind of ['shell', 'args'] as const) assert.doesNotThrow(() => parseQemuDocument(input, kind), input);
  }
});

const corpus = resolve(process.cwd(), 'test/fixtures/libvirt-corpus');
const files = readdirSync(corpus).filter((name) => name.endsWith('.args')).sort();

test('every 37th prefix of every corpus file parses without throwing', () => {
  for (const name of files) parsesEveryPrefix(readFileSync(join(corpus, name), 'utf8'), 'args', 37);
});
