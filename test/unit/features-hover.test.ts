import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/analysis';
import { hoverAt } from '../../server/src/features/hover';
import { kvmMetadata } from '../../server/src/features/metadata';
import { GiB, KiB, MiB, TiB } from '../../server/src/model/sizes';
import { applyProfileOptions, defaultHostProfile } from '../../server/src/simulator';
import { domainLines, domainText, lineOf, scriptLines, scriptText } from './features-fixtures';

const script = analyzeText(scriptText, { path: 'vm.sh' });
const at = (needle: string, lines = scriptLines) => (
  { line: lineOf(lines, needle), character: lines[lineOf(lines, needle)].indexOf(needle) + 1 });

test('hover on the memory device: its memslots, the decision steps, the table and the metadata estimate', () => {
  const markdown = hoverAt(script, at('-device virtio-mem-pci'));
  assert.ok(markdown);
  assert.match(markdown, /64 memslots of 1 GiB, 0 mapped at start, 8 once the guest plugs/);
  assert.match(markdown, /^\*\*vm0 \(virtio-mem-pci\)\*\* — 64 memslots/);
  assert.match(markdown, /\| \| used \| reserved \| limit \|/);
  assert.match(markdown, /\| KVM \| \d+ \| 64 \| 32764 \|/);
  // Every decision the simulator took for vm0 is shown, in its own words, in its order.
  const event = script.machines[0].simulation?.events.find((candidate) => candidate.id === 'vm0');
  assert.ok(event);
  let from = 0;
  for (const decision of event.decisions) {
    const index = markdown.indexOf(decision.explanation, from);
    assert.ok(index >= from, `decision shown in order: ${decision.explanation}`);
    from = index;
  }
  assert.match(markdown, /KVM metadata \(estimate\)/);
  assert.match(markdown, /Host assumptions/);
});

test('hover on the refused device: answer first, QEMU\'s error once, the plug order and why, the directive that set the limit', () => {
  const markdown = hoverAt(script, at('-device vhost-user-fs-pci'));
  assert.ok(markdown);
  const [first, second] = markdown.split('\n\n');
  assert.equal(first, '**✗ QEMU refuses fs0** (vhost-user-fs-pci)');
  // The cause is the finding's own sentence, with its code.
  const ms001 = script.machines[0].findings.find((finding) => finding.code === 'MS001');
  assert.equal(second, `${ms001?.message} (MS001)`);
  // The answer and the table come before how QEMU decided.
  assert.ok(markdown.indexOf('Slots when QEMU stopped at fs0') < markdown.indexOf('**How QEMU decided**'));
  // QEMU's own words: quoted once, below.
  const error = script.machines[0].simulation?.error ?? '';
  assert.equal(markdown.split(`> ${error}`).length - 1, 1);
  assert.ok(markdown.indexOf(`> ${error}`) > markdown.indexOf('**How QEMU decided**'));
  assert.match(markdown, /fs0's limit 32: .*file directive '--vhost-user \/tmp\/vu\.sock=32' on line 12/);
  assert.match(markdown, /Plug order/);
  assert.match(markdown, /vhost netdev first/);
  assert.match(markdown, /QemuOpts-form ones before the JSON-form ones/);
  assert.ok(markdown.indexOf('vm0 (virtio-mem-pci)') < markdown.indexOf('fs0 (vhost-user-fs-pci) — vhost-init'), 'vm0 is plugged before fs0');
  assert.match(markdown, /\| vhost-user backend \/tmp\/vu\.sock \| 32 \| file directive \|/);
});

test('hover on -m, on the binary, on a backend; nothing on an unrelated option', () => {
  assert.match(hoverAt(script, at('-m 4G')) ?? '', /Boot memory/);
  assert.match(hoverAt(script, at('qemu-system-x86_64')) ?? '', /^\*\*✗ QEMU refuses fs0\*\* — qemu-system-x86_64/);
  assert.match(hoverAt(script, at('id=vmem0')) ?? '', /memory of vm0 \(virtio-mem-pci\)/);
  assert.equal(hoverAt(script, at('-display none')), undefined);
  assert.equal(hoverAt(script, { line: 0, character: 0 }), undefined);
});

test('host assumptions say which layer set each value', () => {
  const fromSettings = applyProfileOptions(defaultHostProfile(), { kvmMemslots: 509, origins: { kvmMemslots: 'memslot.host.kvmMemslots' } }, 'settings');
  const markdown = hoverAt(analyzeText(scriptText, { path: 'vm.sh' }, fromSettings), at('-m 4G')) ?? '';
  assert.match(markdown, /\| KVM memslots per address space \| 509 \| settings \|/);
  assert.match(markdown, /\| QEMU version \| [\d.]+ \| default \|/);
});

test('hover works on domain XML: the <memory> device and the refused <filesystem>', () => {
  const domain = analyzeText(domainText, { path: 'vm.xml' });
  assert.match(hoverAt(domain, at("<memory model='virtio-mem'>", domainLines)) ?? '', /64 memslots of 1 GiB/);
  const refused = hoverAt(domain, at("<filesystem type='mount'>", domainLines)) ?? '';
  assert.match(refused, /libvirt writes the command line in its own emission order/);
});

test('KVM metadata: the figures of QEMU\'s dynamic-memslots commit, doubled with SMM; a hover and MS009 share them', () => {
  // By hand, per TiB: gfn_track 2 B per 4 KiB page = 512 MiB; lpage_info 4 B per 2 MiB and per 1 GiB
  // page = 2 MiB + 4 KiB; without the TDP MMU also rmap 8 B per 4 KiB, 2 MiB and 1 GiB page = 2 GiB + 4 MiB + 8 KiB.
  const withTdp = 512 * MiB + 2 * MiB + 4 * KiB;
  const one = kvmMetadata(TiB, 1);
  assert.equal(one.withTdpMmu, withTdp);
  assert.equal(one.withoutTdpMmu, withTdp + 2 * GiB + 4 * MiB + 8 * KiB);
  const smm = kvmMetadata(TiB, 2);
  assert.equal(smm.withTdpMmu, 2 * one.withTdpMmu);
  assert.equal(smm.withoutTdpMmu, 2 * one.withoutTdpMmu);
  assert.equal(kvmMetadata(0, 2).withTdpMmu, 0);
});

test('argument file: the NIC and its vhost-user netdev show the backend\'s use against its nocfg limit of 8', () => {
  const text = readFileSync(resolve('examples/dimms-and-vhost-user-net.qemu'), 'utf8');
  const lines = text.split('\n');
  const analysis = analyzeText(text, { path: 'vm.qemu' });
  const nic = hoverAt(analysis, at('virtio-net-pci', lines)) ?? '';
  assert.match(nic, /^\*\*nic0 \(virtio-net-pci\)\*\* — vhost-user net0: \d+ used of 8/);
  const netdev = hoverAt(analysis, at('-netdev vhost-user', lines)) ?? '';
  assert.match(netdev, /\| vhost-user backend \/var\/run\/openvswitch\/vhu0 \| 8 \(no CONFIGURE_MEM_SLOTS\) \| file directive \|/);
  // A pc-dimm maps its whole backend as one memslot (docs/facts/memory-devices.md#one-memslot-devices): no guest-plug clause.
  assert.match(hoverAt(analysis, at('-device pc-dimm,id=dimm0', lines)) ?? '', /\*\*dimm0 \(pc-dimm\)\*\* — 1 memslot, 1 mapped at start\n/);
});

test('hover: the host CPU vendor and phys-bits show with who set them (directive, settings, or unknown)', () => {
  const text = '# memslot: --host-cpu-vendor amd\nqemu-system-x86_64 -accel kvm -M q35 -cpu host -m 4G,slots=2,maxmem=8G \\\n  -object memory-backend-ram,id=m0,size=1G -device pc-dimm,id=d0,memdev=m0\n';
  const settings = applyProfileOptions(defaultHostProfile(), { hostPhysBits: 46, origins: { hostPhysBits: 'setting memslot.host.physBits' } }, 'settings');
  const analysis = analyzeText(text, { path: 'vm.sh' }, settings);
  const lines = text.split('\n');
  const markdown = hoverAt(analysis, { line: 2, character: lines[2].indexOf('pc-dimm') + 1 });
  assert.ok(markdown);
  assert.match(markdown, /\| host CPU vendor \| amd \| file directive \|/);
  assert.match(markdown, /\| host physical address bits \| 46 \| settings \|/);
  const unknown = hoverAt(analyzeText(text.split('\n').slice(1).join('\n'), { path: 'vm.sh' }), { line: 1, character: lines[2].indexOf('pc-dimm') + 1 });
  assert.match(unknown ?? '', /\| host CPU vendor \| unknown \| default \|/);
});
