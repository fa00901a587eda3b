import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import { analyzeText } from '../../server/src/analysis';
import { GiB } from '../../server/src/model/sizes';
import { rangeOf } from './qemu-test-helpers';

/** Inputs of the shapes real users write: Proxmox, docs with prompts, logs, lines that only name QEMU. */

test('Proxmox VE and Debian: /usr/bin/kvm and kvm are QEMU with KVM; /dev/kvm and the kvm group are not', () => {
  const text = [
    '/usr/bin/kvm -id 100 -name vm100 -m 4096 -machine type=pc-i440fx-9.0+pve0 -object memory-backend-ram,id=r,size=1G',
    'kvm -m 1G',
    'sudo usermod -aG kvm "$USER"',
    'sudo ls -l /dev/kvm',
    'sudo modprobe kvm',
  ].join('\n');
  const result = parseQemuDocument(text, 'shell');
  assert.equal(result.machines.length, 2);
  assert.equal(result.machines[0].binary?.value, '/usr/bin/kvm');
  assert.equal(result.machines[0].memory.size?.value, 4 * GiB);
  assert.deepEqual(result.machines[1].headRange, rangeOf(text, 'kvm', 1));
  const analysis = analyzeText(text, { path: 'vm.sh' });
  assert.equal(analysis.machines[0].simulation?.machine.kvm, true, 'kvm runs with KVM');
});

test('vendor machine-type suffixes keep the family and version', () => {
  for (const [type, family] of [['pc-i440fx-9.0+pve0', 'pc'], ['pc+pve0', 'pc'], ['pc-q35-8.1+pve1', 'q35'], ['q35+pve0', 'q35']] as const) {
    const analysis = analyzeText(`qemu-system-x86_64 -machine type=${type} -m 2G,slots=2,maxmem=4G -object memory-backend-ram,id=m,size=1G -device pc-dimm,memdev=m`, { path: 'vm.sh' });
    const simulation = analysis.machines[0].simulation;
    assert.equal(simulation?.machine.family, family, type);
    assert.equal(simulation?.outcome, 'starts', type);
    assert.deepEqual(analysis.machines[0].findings.map((f) => f.code), [], type);
  }
});

test('shell prompts before a command line in docs and bug reports', () => {
  const text = [
    '$ qemu-system-x86_64 -m 1G',
    'user@host:~$ sudo qemu-system-x86_64 \\',
    '    -m 2G',
    '[root@fedora ~]# qemu-system-x86_64 -m 3G',
    'host# qemu-system-x86_64 -m 4G',
    '# qemu-system-x86_64 -m 5G',
    '(venv) $ QEMU_AUDIO_DRV=none qemu-system-x86_64 -m 6G',
  ].join('\n');
  const sizes = (rootPrompts: boolean): Array<number | undefined> =>
    parseQemuDocument(text, 'shell', { rootPrompts }).machines.map((m) => m.memory.size?.value);
  assert.deepEqual(sizes(true), [1, 2, 3, 4, 5, 6].map((n) => n * GiB));
  // In a shell script `# ...` is a comment.
  assert.deepEqual(sizes(false), [1, 2, 3, 4, 6].map((n) => n * GiB));
  const m = parseQemuDocument(text, 'shell', { rootPrompts: true }).machines[1];
  assert.deepEqual(m.headRange, rangeOf(text, 'qemu-system-x86_64', 1));
  assert.deepEqual(m.memory.ranges[0], rangeOf(text, '-m 2G'));
  // The CLI reads a .txt report as a snippet, a .sh file as a script.
  assert.equal(analyzeText(text, { path: 'bug-report.txt' }).machines.length, 6);
  assert.equal(analyzeText(text, { path: 'run.sh' }).machines.length, 5);
});

test('a tool log line that ends in the QEMU command it ran', () => {
  const text = `t=2024-05-01T10:00:00 lvl=dbug msg="Starting" cmd='forklimits limit=memlock:unlimited:unlimited fd=3 -- /usr/bin/qemu-system-x86_64 -S -name vm1 -m 2048 -object memory-backend-memfd,id=mem0,size=1G`;
  const result = parseQemuDocument(text, 'shell');
  assert.equal(result.machines.length, 1);
  const m = result.machines[0];
  assert.equal(m.binary?.value, '/usr/bin/qemu-system-x86_64');
  assert.equal(m.backends[0].id?.value, 'mem0');
  assert.deepEqual(m.headRange, rangeOf(text, '/usr/bin/qemu-system-x86_64'));
});

test('lines that only name the binary are no machines', () => {
  const text = [
    'pkill -f qemu-system-x86_64',
    'sudo pkill -f qemu-system-x86_64',
    'sudo apt-get install -y qemu-system-x86 qemu-utils',
    'sudo apt install qemu-system-arm',
    'qemu-system-x86_64 --version',
    'qemu-system-x86_64 -version',
    'qemu-system-x86_64 -machine help',
    'qemu-system-x86_64 -device virtio-mem-pci,help',
    'command -v qemu-system-x86_64 >/dev/null',
    'which qemu-system-x86_64',
  ].join('\n');
  assert.deepEqual(parseQemuDocument(text, 'shell').machines.length, 0);
  assert.equal(parseQemuDocument('sudo nice -n 5 qemu-system-x86_64 -m 1G', 'shell').machines.length, 1);
});
