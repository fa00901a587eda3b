import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLibvirtDomain } from '../../server/src/frontends/libvirt/index';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate } from '../../server/src/simulator/index';
import { virtioMemVirtiofsDomain } from './domain-fixtures';

/**
 * Issue 4's acceptance scenario, end to end through the simulator: virtio-mem with
 * dynamicMemslots='yes' and a virtiofs filesystem on an external daemon whose vhost-user back end
 * offers 32 memslots. libvirt emits the virtio-mem device before vhost-user-fs-pci (docs/facts/plug-order.md#libvirt-emission-order), so
 * QEMU refuses the vhost device (QEMU's vhost_dev_init check, docs/facts/memslots.md#vhost-check-a); with
 * dynamicMemslots='no' the domain starts.
 */
function domainXml(dynamicMemslots: 'yes' | 'no'): string {
  return virtioMemVirtiofsDomain(` dynamicMemslots='${dynamicMemslots}'`);
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
