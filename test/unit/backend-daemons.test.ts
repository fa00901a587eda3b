// Back-end daemons started in the same script: the socket each serves, read from its own options,
// and its program's memslot limit from the documented table (docs/backend-daemons.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/analysis';
import { hoverAt } from '../../server/src/features/hover';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import { scriptText } from './features-fixtures';

const qemu = (socket: string, device = 'vhost-user-fs-pci,id=fs0,chardev=chr0,tag=shared') => [
  'qemu-system-x86_64 -machine q35,accel=kvm -m 4G,maxmem=68G \\',
  '  -object memory-backend-memfd,id=mem0,size=4G,share=on -numa node,memdev=mem0 \\',
  '  -object memory-backend-memfd,id=vmem0,size=64G,share=on \\',
  '  -device virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=8G,dynamic-memslots=on \\',
  `  -chardev socket,id=chr0,path=${socket} \\`,
  `  -device ${device}`,
].join('\n');

const started = (text: string) => (parseQemuDocument(text, 'shell').startedBackends ?? []).map((b) => [b.program, b.socket, b.directory]);

test('each program\'s socket option is read', () => {
  assert.deepEqual(started('/usr/libexec/virtiofsd --socket-path=/run/vfsd.sock --shared-dir=/srv &'), [['virtiofsd', '/run/vfsd.sock', false]]);
  assert.deepEqual(started('sudo virtiofsd --shared-dir /srv --socket-path /run/a.sock &'), [['virtiofsd', '/run/a.sock', false]]);
  assert.deepEqual(started("qemu-storage-daemon --blockdev file,node-name=f,filename=d.img --export type=vhost-user-blk,id=e0,node-name=f,addr.type=unix,addr.path=/run/blk0.sock,writable=on &"),
    [['qemu-storage-daemon', '/run/blk0.sock', false]]);
  assert.deepEqual(started(`qemu-storage-daemon --export '{"type":"vhost-user-blk","id":"e1","node-name":"f","addr":{"type":"unix","path":"/run/blk1.sock"}}' &`),
    [['qemu-storage-daemon', '/run/blk1.sock', false]]);
  // An NBD export serves no vhost-user socket.
  assert.deepEqual(started('qemu-storage-daemon --export type=nbd,id=n,node-name=f &'), []);
  assert.deepEqual(started('/opt/spdk/build/bin/vhost -S /var/tmp/ -m 0x3 &'), [['spdk-vhost', '/var/tmp', true]]);
  assert.deepEqual(started("dpdk-testpmd -l 0-1 --no-pci --vdev 'net_vhost0,iface=/tmp/vhost0.sock,queues=1' -- -i &"), [['dpdk-testpmd', '/tmp/vhost0.sock', false]]);
  assert.deepEqual(started('ovs-vsctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient options:vhost-server-path=/tmp/vhu0.sock'), [['ovs-dpdk', '/tmp/vhu0.sock', false]]);
  assert.deepEqual(started('ovs-vsctl add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuser'), [['ovs-dpdk', '/var/run/openvswitch/vhu1', false]]);
  assert.deepEqual(started('vhost-device-vsock --vm guest-cid=4,socket=/tmp/vsock4.sock,uds-path=/tmp/vm4.vsock &'), [['vhost-device', '/tmp/vsock4.sock', false]]);
  assert.deepEqual(started('vhost-device-gpio --socket-path=/tmp/gpio.sock --socket-count 2 -l s1 &'), [['vhost-device', '/tmp/gpio.sock*', false]]);
  // Variables the script sets are followed; a socket hidden by an unknown one is not guessed.
  assert.deepEqual(started('SOCK=/run/v.sock\nvirtiofsd --socket-path=$SOCK &'), [['virtiofsd', '/run/v.sock', false]]);
  assert.deepEqual(started('virtiofsd --socket-path=$UNKNOWN &'), []);
  // Not a daemon start: a word in an echo, a comment.
  assert.deepEqual(started('echo virtiofsd --socket-path=/x\n# virtiofsd --socket-path=/y'), []);
});

test('a DPDK back-end started in the script: QEMU refuses fs0 with 8 slots, and the hover says where the limit came from', () => {
  const text = `dpdk-testpmd --no-pci --vdev 'net_vhost0,iface=/tmp/vh.sock' -- -i &\n${qemu('/tmp/vh.sock')}\n`;
  const analysis = analyzeText(text, { path: 'vm.sh' });
  const simulation = analysis.machines[0].simulation;
  assert.equal(simulation?.outcome, 'refused');
  assert.equal(simulation?.refusedBy, 'fs0');
  // The limit is known: no MS012 asking to declare it.
  assert.ok(!analysis.machines[0].findings.some((finding) => finding.code === 'MS012'));
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('-device vhost-user-fs-pci'));
  const hover = hoverAt(analysis, { line, character: 5 }) ?? '';
  assert.match(hover, /fs0's limit 8: .*dpdk-testpmd started on line 1: DPDK's vhost library has no CONFIGURE_MEM_SLOTS/);
  assert.match(hover, /\| vhost-user backend \/tmp\/vh\.sock \| 8 \(no CONFIGURE_MEM_SLOTS\) \| started in the script \|/);
});

test('virtiofsd started in the script: 509, QEMU starts and the undeclared-limit warning goes away; a directive still wins', () => {
  const daemon = 'virtiofsd --socket-path=/tmp/vu.sock --shared-dir=/srv &';
  const without = analyzeText(`${qemu('/tmp/vu.sock')}\n`, { path: 'vm.sh' });
  assert.ok(without.machines[0].findings.some((finding) => finding.code === 'MS012'), 'undeclared: MS012');
  const withDaemon = analyzeText(`${daemon}\n${qemu('/tmp/vu.sock')}\n`, { path: 'vm.sh' });
  assert.equal(withDaemon.machines[0].simulation?.outcome, 'starts');
  assert.ok(!withDaemon.machines[0].findings.some((finding) => finding.code === 'MS012'));
  // The README example declares 32 in a directive: the directive is the more specific statement.
  const example = analyzeText(scriptText.replace('set -euo pipefail', `set -euo pipefail\n${daemon}`), { path: 'vm.sh' });
  assert.equal(example.machines[0].simulation?.outcome, 'refused');
});

test('qemu-storage-daemon takes the limit of the QEMU the file declares: 32 before 9.0, 509 since', () => {
  const daemon = 'qemu-storage-daemon --blockdev file,node-name=f,filename=d.img --export type=vhost-user-blk,id=e0,node-name=f,addr.type=unix,addr.path=/run/blk.sock &';
  const device = 'vhost-user-blk-pci,id=blk0,chardev=chr0';
  const old = analyzeText(`# memslot: --qemu 8.2\n${daemon}\n${qemu('/run/blk.sock', device)}\n`, { path: 'vm.sh' });
  assert.equal(old.machines[0].simulation?.outcome, 'refused');
  const refused = old.machines[0].simulation?.events.find((event) => event.result === 'refused');
  assert.equal(refused?.decisions.find((decision) => decision.what === 'vhost-limit')?.result, 32);
  const current = analyzeText(`${daemon}\n${qemu('/run/blk.sock', device)}\n`, { path: 'vm.sh' });
  assert.equal(current.machines[0].simulation?.outcome, 'starts');
});
