import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate } from '../../server/src/simulator/index';

/**
 * Issue 4's acceptance scenario, end to end through the simulator: virtio-mem with
 * dynamicMemslots='yes' and a virtiofs filesystem on an external daemon whose vhost-user back end
 * offers 32 memslots. libvirt emits the virtio-mem device before vhost-user-fs-pci (spec §2), so
 * QEMU refuses the vhost device (QEMU's vhost_dev_init check, spec qemu-memslots.md); with
 * dynamicMemslots='no' the domain starts.
 */
function domainXml(dynamicMemslots: 'yes' | 'no'): string {
  return `<domain type='kvm'>
  <name>guest</name>
  <maxMemory unit='GiB'>64</maxMemory>
  <memory unit='GiB'>2</memory>
  <memoryBacking><access mode='shared'/></memoryBacking>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0-1' memory='2' unit='GiB'/></numa></cpu>
  <devices>
    <filesystem type='mount'>
      <driver type='virtiofs'/>
      <source socket='/run/virtiofsd/share.sock'/>
      <target dir='share'/>
    </filesystem>
    <memory model='virtio-mem'>
      <target dynamicMemslots='${dynamicMemslots}'>
        <size unit='GiB'>32</size>
        <node>0</node>
        <block unit='MiB'>2</block>
        <requested unit='GiB'>1</requested>
      </target>
    </memory>
  </devices>
</domain>`;
}

function run(dynamicMemslots: 'yes' | 'no') {
  const result = parseLibvirtDomain(domainXml(dynamicMemslots));
  assert.equal(result.machines.length, 1);
  const options = parseProfileOptions(['--vhost-user', '/run/virtiofsd/share.sock=32']);
  assert.deepEqual(options.errors, []);
  return simulate(result.machines[0], applyProfileOptions(defaultHostProfile(), options.overrides, 'cli'));
}

test("dynamicMemslots='yes' + virtiofs on a 32-slot back end: refused at the virtiofs device fs0", () => {
  const simulation = run('yes');
  assert.equal(simulation.outcome, 'refused');
  assert.equal(simulation.refusedBy, 'fs0');
  assert.match(simulation.error ?? '', /vhost backend would further restrict/);
});

test("dynamicMemslots='no' + the same virtiofs: starts", () => {
  const simulation = run('no');
  assert.equal(simulation.outcome, 'starts');
  assert.equal(simulation.refusedBy, null);
});
