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

test('bash arrays: args=(...), args+=(...), "${args[@]}" keep each element where it was written', () => {
  const text = [
    'MEM=4G',
    'args=(',
    '  -m "$MEM",slots=4,maxmem=16G   # boot memory',
    '  -object memory-backend-file,id=mem0,size=2G,mem-path=/dev/shm/m,share=on',
    ')',
    'args+=(-device pc-dimm,id=dimm0,memdev=mem0)',
    'declare -a extra=(-name "my vm")',
    'qemu-system-x86_64 -machine q35 "${args[@]}" "${extra[@]}"',
  ].join('\n');
  const m = parseQemuDocument(text, 'shell').machines;
  assert.equal(m.length, 1);
  assert.equal(m[0].memory.size?.value, 4 * GiB);
  assert.equal(m[0].memory.maxmem?.value, 16 * GiB);
  assert.equal(m[0].backends[0].id?.value, 'mem0');
  assert.deepEqual(m[0].backends[0].size?.range, rangeOf(text, '2G'));
  assert.deepEqual(m[0].devices[0].id?.range, rangeOf(text, 'dimm0'));
  assert.deepEqual(m[0].diagnostics, []);
  assert.equal(m[0].unmodelled.find((u) => u.option === '-name')?.value, 'my vm');
});

test('wrapper functions passing "$@" are analysed at each call with its arguments', () => {
  const text = [
    'run_vm() {',
    '  local name=$1; shift',
    '  qemu-system-x86_64 -name "$name" -machine q35 -m 2G,slots=2,maxmem=8G "$@"',
    '}',
    'function quiet {',
    '  run_vm "$@" -display none',
    '}',
    'run_vm vm1 -object memory-backend-ram,id=r1,size=1G -device pc-dimm,memdev=r1',
    'quiet vm2 -object memory-backend-ram,id=r2,size=2G',
  ].join('\n');
  const m = parseQemuDocument(text, 'shell').machines;
  assert.deepEqual(m.map((x) => x.backends.map((b) => b.id?.value)), [['r1'], ['r2']]);
  assert.deepEqual(m[0].devices[0].driver.range, rangeOf(text, 'pc-dimm'));
  assert.equal(m[1].unmodelled.find((u) => u.option === '-name')?.value, 'vm2');
  assert.ok(m.every((x) => x.diagnostics.length === 0), JSON.stringify(m.map((x) => x.diagnostics)));
  // A function nobody calls is analysed on its own; its "$@" is then unknown (MS906).
  const uncalled = parseQemuDocument(text.split('\n').slice(0, 4).join('\n'), 'shell').machines;
  assert.equal(uncalled.length, 1);
  assert.ok(uncalled[0].diagnostics.some((d) => d.code === 'MS906'));
});

test('a command assembled in a variable is followed where its values are plain', () => {
  const text = [
    'QEMU=qemu-system-x86_64',
    'CMD="$QEMU -m 1G,slots=1,maxmem=2G"',
    'CMD="$CMD -object memory-backend-ram,id=m0,size=512M -device pc-dimm,memdev=m0"',
    '$CMD',
  ].join('\n');
  const m = parseQemuDocument(text, 'shell').machines;
  assert.equal(m.length, 1);
  assert.equal(m[0].backends[0].id?.value, 'm0');
  assert.deepEqual(m[0].memory.ranges[0], rangeOf(text, '-m 1G,slots=1,maxmem=2G'));
});

test('MS906 says what hides a command line in a variable, and no wrong command line is analysed', () => {
  const text = [
    'CMD="qemu-system-x86_64 -m $(detect_memory)"',
    '$CMD -device virtio-mem-pci,id=vm0',
  ].join('\n');
  const result = parseQemuDocument(text, 'shell');
  assert.equal(result.machines.length, 0);
  const finding = result.diagnostics.find((d) => d.code === 'MS906');
  assert.ok(finding, JSON.stringify(result.diagnostics));
  assert.deepEqual(finding.range, rangeOf(text, '$CMD'));
  assert.match(finding.message, /\$\(detect_memory\)/);
});

test('MS906 stays quiet for a default that only an option overrides', () => {
  const text = [
    'MEM=4G',
    'while getopts "m:" opt; do',
    '  case $opt in',
    '    m) MEM=$OPTARG ;;',
    '  esac',
    'done',
    'case "$1" in --mem) MEM="$2"; shift 2 ;; esac',
    'qemu-system-x86_64 -m "$MEM"',
  ].join('\n');
  const m = parseQemuDocument(text, 'shell').machines;
  assert.equal(m[0].memory.size?.value, 4 * GiB);
  assert.deepEqual(m[0].diagnostics, []);
  // A value replaced unconditionally by something unknown is unknown.
  const unknown = parseQemuDocument('MEM=4G\nMEM=$(free_mem)\nqemu-system-x86_64 -m "$MEM"', 'shell').machines[0];
  assert.ok(unknown.diagnostics.some((d) => d.code === 'MS906'));
});
