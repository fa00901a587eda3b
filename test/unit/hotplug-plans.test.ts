// Hot-plug plans (issue 10): QMP, HMP and libvirt device XML read into the same steps, answered
// by the simulator; real QEMU's answers are checked in test/oracle/hotplug-plans.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWithPlans, type HotplugStepResult } from '../../server/src/plan-analysis';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions } from '../../server/src/simulator';

const profile = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user', '/run/vu.sock=nocfg', '--smm', 'off']).overrides, 'cli');
const vmScript = `qemu-system-x86_64 -accel kvm -M q35,memory-backend=ram -m 4G,slots=8,maxmem=64G \\
  -object memory-backend-memfd,id=ram,size=4G,share=on \\
  -chardev socket,id=fs0-chr,path=/run/vu.sock -device vhost-user-fs-pci,id=fs0,chardev=fs0-chr,tag=fs0
`;
const G = 1024 ** 3;
const qmpDimm = (i: number) => [
  JSON.stringify({ execute: 'object-add', arguments: { 'qom-type': 'memory-backend-memfd', id: `m${i}`, size: G, share: true } }),
  JSON.stringify({ execute: 'device_add', arguments: { driver: 'pc-dimm', id: `d${i}`, memdev: `m${i}` } }),
];
const hmpDimm = (i: number) => [`object_add memory-backend-memfd,id=m${i},size=1G,share=on`, `device_add pc-dimm,id=d${i},memdev=m${i}`];
const range = (s: HotplugStepResult) => ({ command: s.command, id: s.id, result: s.result, error: s.error });

function run(plan: string, path: string, vm = vmScript, vmPath = 'vm.sh') {
  return analyzeWithPlans(vm, { path: vmPath }, [{ path, text: plan }], profile);
}

test('QMP: six DIMMs on a back-end without CONFIGURE_MEM_SLOTS: the sixth is refused (MS025) at its line', () => {
  const plan = ['# memslot: vm vm.sh', '', ...[0, 1, 2, 3, 4, 5].flatMap(qmpDimm)].join('\n');
  const result = run(plan, 'plan.qmp');
  const steps = result.vm.machines[0].hotplug ?? [];
  assert.equal(steps.length, 12);
  assert.deepEqual(steps.filter((s) => s.result !== 'ok').map((s) => [s.id, s.error, s.range.start.line]), [['d5', 'a used vhost backend has not enough free memory slots left', 13]]);
  const findings = result.plans[0].findings;
  assert.deepEqual(findings.map((f) => [f.code, f.range.start.line]), [['MS025', 13]]);
  assert.match(findings[0].message, /^QEMU refuses device_add d5: .*fs0 allows 8/);
  assert.ok(findings[0].message.length <= 110);
  assert.equal(findings[0].related?.[0].message, 'QEMU: a used vhost backend has not enough free memory slots left');
  assert.equal(result.plans[0].plan.vm?.value, 'vm.sh');
});

test('QMP: five DIMMs fit (no MS025) and capacity says none more, stopped by fs0', () => {
  const result = run([0, 1, 2, 3, 4].flatMap(qmpDimm).join('\n'), 'plan.qmp');
  assert.deepEqual(result.plans[0].findings, []);
  assert.deepEqual(result.vm.machines[0].capacity?.dimms, { count: 0, size: G, backendType: 'memory-backend-memfd', stoppedBy: { by: 'fs0', limit: 8, error: 'a used vhost backend has not enough free memory slots left' } });
});

test('capacity without a plan: 5 more 1 GiB DIMMs before fs0 (8 slots) refuses', () => {
  const result = run('', 'empty.qmp');
  assert.equal(result.vm.machines[0].capacity?.dimms.count, 5);
});

test('HMP gives the same steps and answers as the QMP equivalent', () => {
  const qmp = run([0, 1, 2, 3, 4, 5].flatMap(qmpDimm).join('\n'), 'plan.qmp').vm.machines[0].hotplug ?? [];
  const hmp = run([0, 1, 2, 3, 4, 5].flatMap(hmpDimm).join('\n'), 'plan.hmp').vm.machines[0].hotplug ?? [];
  assert.equal(hmp.length, 12);
  assert.deepEqual(hmp.map(range), qmp.map(range));
});

const domain = `<domain type='kvm'>
  <name>vm</name>
  <memory unit='GiB'>4</memory>
  <maxMemory slots='8' unit='GiB'>64</maxMemory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <cpu><numa><cell id='0' cpus='0-1' memory='4' unit='GiB'/></numa></cpu>
  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>
  <devices>
    <filesystem type='mount'><driver type='virtiofs'/><source socket='/run/vu.sock'/><target dir='share'/></filesystem>
  </devices>
</domain>
`;

test('libvirt device XML: <memory> and <filesystem> become libvirt QEMU steps with its ids, answered like the QMP equivalent', () => {
  const xml = `<!-- memslot: vm vm.xml -->
<devices>
  <memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>
  <filesystem type='mount'><driver type='virtiofs'/><source socket='/run/other.sock'/><target dir='two'/></filesystem>
</devices>
`;
  const result = run(xml, 'attach.xml', domain, 'vm.xml');
  assert.deepEqual(result.plans[0].plan.findings, []);
  const steps = result.vm.machines[0].hotplug ?? [];
  assert.deepEqual(steps.map((s) => [s.command, s.id, s.result]), [
    ['object-add', 'memdimm0', 'ok'], ['device_add', 'dimm0', 'ok'], ['chardev-add', 'chr-vu-fs1', 'ok'], ['device_add', 'fs1', 'ok'],
  ]);
  const qmp = [
    JSON.stringify({ execute: 'object-add', arguments: { 'qom-type': 'memory-backend-memfd', id: 'memdimm0', size: G, share: true } }),
    JSON.stringify({ execute: 'device_add', arguments: { driver: 'pc-dimm', node: 0, memdev: 'memdimm0', id: 'dimm0', slot: 0 } }),
    JSON.stringify({ execute: 'chardev-add', arguments: { id: 'chr-vu-fs1', backend: { type: 'socket', data: { addr: { type: 'unix', data: { path: '/run/other.sock' } }, server: false } } } }),
    JSON.stringify({ execute: 'device_add', arguments: { driver: 'vhost-user-fs-pci', id: 'fs1', chardev: 'chr-vu-fs1', tag: 'two', bus: 'pci.1' } }),
  ].join('\n');
  const viaQmp = run(qmp, 'plan.qmp', domain, 'vm.xml').vm.machines[0].hotplug ?? [];
  assert.deepEqual(steps.map(range), viaQmp.map(range));
});

test('a taken netdev or chardev id: HMP words the refusal as QEMU 10 does at its prompt, QMP as over QMP', () => {
  // Seen with real QEMU 10.0 (test/oracle/hotplug-plans.test.ts, "chardev and netdev ids"): HMP's
  // netdev_add reports the QemuOpts duplicate, and chardev-add of a socket collides on its yank instance.
  const vm = `qemu-system-x86_64 -M q35 -m 1G -chardev socket,id=n0-chr,path=/run/n.sock -netdev vhost-user,id=n0,chardev=n0-chr
`;
  const hmp = ['netdev_add vhost-user,id=n0,chardev=n0-chr', 'chardev-add socket,id=c2,path=/run/n2.sock', 'chardev-add socket,id=c2,path=/run/n2.sock'];
  const chardev = { id: 'c2', backend: { type: 'socket', data: { addr: { type: 'unix', data: { path: '/run/n2.sock' } }, server: false } } };
  const qmp = [
    JSON.stringify({ execute: 'netdev_add', arguments: { type: 'vhost-user', id: 'n0', chardev: 'n0-chr' } }),
    JSON.stringify({ execute: 'chardev-add', arguments: chardev }), JSON.stringify({ execute: 'chardev-add', arguments: chardev }),
  ];
  const errors = (plan: string[], path: string) => (run(plan.join('\n'), path, vm).vm.machines[0].hotplug ?? []).map((s) => s.error);
  assert.deepEqual(errors(hmp, 'plan.hmp'), ["Duplicate ID 'n0' for netdev", null, 'duplicate yank instance']);
  assert.deepEqual(errors(qmp, 'plan.qmp'), ["Duplicate ID 'n0'", null, "Chardev with id 'c2' already exists"]);
});

test('a hanging netdev_add (MS026) ends the plan; unknown commands are MS027; unreadable lines MS028', () => {
  const vm = `qemu-system-x86_64 -accel kvm -M q35,memory-backend=ram -m 4G,maxmem=68G -object memory-backend-memfd,id=ram,size=4G,share=on \\
  -device pcie-root-port,id=rp0,chassis=1 -object memory-backend-memfd,id=vm0-mem,size=64G,share=on,reserve=off \\
  -device virtio-mem-pci,id=vm0,memdev=vm0-mem,dynamic-memslots=on,bus=rp0
`;
  const plan = ['info status', 'chardev-add socket,id=c0,path=/run/net.sock', 'netdev_add vhost-user,id=n0,chardev=c0', 'device_add virtio-net-pci,id=nic0,netdev=n0,bus=rp0', 'qom-set vm0'].join('\n');
  const result = analyzeWithPlans(vm, { path: 'vm.sh' }, [{ path: 'p.hmp', text: plan }], applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user', '/run/net.sock=32']).overrides, 'cli'));
  assert.deepEqual((result.vm.machines[0].hotplug ?? []).map((s) => [s.command, s.result, s.modelled]), [['info', 'ok', false], ['chardev-add', 'ok', undefined], ['netdev_add', 'hang', undefined]]);
  assert.deepEqual(result.plans[0].findings.map((f) => [f.code, f.range.start.line]), [['MS028', 4], ['MS027', 0], ['MS026', 2]]);
  const clean = analyzeWithPlans(vm, { path: 'vm.sh' }, [{ path: 'p.qmp', text: '{"execute": "object-add", "arguments": {"qom-type": "memory-backend-ram", "id": "x", "size": 1073741824}}' }], profile);
  assert.deepEqual(clean.plans[0].findings, []);
});

test('libvirt device XML: <interface type=vhostuser> and <disk type=vhostuser> become chardev-add, netdev_add, device_add as libvirt sends them', () => {
  const xml = `<interface type='vhostuser'>
  <source type='unix' path='/run/net.sock' mode='client'/>
  <model type='virtio'/>
</interface>
<disk type='vhostuser' device='disk'>
  <driver name='qemu' type='raw'/>
  <source type='unix' path='/run/blk.sock'/>
  <target dev='vdb' bus='virtio'/>
</disk>
`;
  const result = run(xml, 'vm.attach.xml', domain, 'vm.xml');
  assert.deepEqual(result.plans[0].plan.findings, []);
  const steps = result.vm.machines[0].hotplug ?? [];
  assert.deepEqual(steps.map((s) => [s.command, s.result]), [
    ['chardev-add', 'ok'], ['netdev_add', 'ok'], ['device_add', 'ok'], ['chardev-add', 'ok'], ['device_add', 'ok'],
  ]);
  assert.deepEqual(steps.map((s) => s.range.start.line), [0, 0, 0, 4, 4]);
  assert.equal(steps[4].id, 'virtio-disk1');
});

test('libvirt device XML against a domain libvirt refuses: every plan finding has a range, and the domain\'s own refusal stays the domain\'s', () => {
  // Found by the LSP soak: the merged domain lost its ranges, so this MS909 (at the domain's start tag) came without one.
  const noMemory = "<domain type='kvm'><name>x</name><os><type arch='x86_64' machine='q35'>hvm</type></os><devices></devices></domain>\n";
  const xml = "<devices>\n  <memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>\n</devices>\n";
  const result = run(xml, 'attach.xml', noMemory, 'vm.xml');
  assert.ok(result.vm.machines[0].findings.some((f) => f.code === 'MS909' && /Memory size must be specified/.test(f.message)));
  const findings = result.plans[0].findings;
  assert.deepEqual(findings.filter((f) => f.range === undefined), []);
  assert.deepEqual(findings.filter((f) => /Memory size must be specified/.test(f.message)), []);
});
