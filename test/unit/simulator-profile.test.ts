// The host profile: defaults, CLI/directive parsing, layering, vhost-user back-end matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyProfileOptions, defaultHostProfile, findVhostUserRule, parseProfileOptions, parseQemuVersion, simulate,
} from '../../server/src/simulator';
import { GiB, sharedBase } from './simulator-builders';

test('defaults: a current upstream x86 host', () => {
  const p = defaultHostProfile();
  assert.deepEqual(p.qemuVersion.value, { major: 10, minor: 0, micro: 0 });
  assert.equal(p.qemuFlavor.value, 'upstream');
  assert.equal(p.kvmMemslots.value, 32764);
  assert.equal(p.smm.value, true);
  assert.equal(p.vhostMaxMemRegions.value, 64);
  assert.deepEqual(p.vhostUserBackends, []);
  assert.equal(p.unknownVhostUserAssumption.value, 509);
  for (const value of [p.qemuVersion, p.qemuFlavor, p.kvmMemslots, p.smm, p.vhostMaxMemRegions, p.unknownVhostUserAssumption]) {
    assert.equal(value.source, 'default');
    assert.ok(value.origin.length > 0);
  }
});

test('parseProfileOptions reads every flag, in both spellings, and leaves the rest', () => {
  const parsed = parseProfileOptions([
    '--format', 'json', '--qemu', '8.2.1', '--qemu-flavor=rhel', '--kvm-memslots', '509', '--smm', 'off',
    '--vhost-max-mem-regions=128', '--vhost-user', '/run/vhost/*.sock=32', '--vhost-user', 'chr0=nocfg', 'file.sh',
  ]);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.rest, ['--format', 'json', 'file.sh']);
  const o = parsed.overrides;
  assert.deepEqual(o.qemuVersion, { major: 8, minor: 2, micro: 1 });
  assert.equal(o.qemuFlavor, 'rhel');
  assert.equal(o.kvmMemslots, 509);
  assert.equal(o.smm, false);
  assert.equal(o.vhostMaxMemRegions, 128);
  assert.deepEqual(o.vhostUserBackends, [{ pattern: '/run/vhost/*.sock', limit: 32 }, { pattern: 'chr0', limit: 'no-configure-mem-slots' }]);
});

test('parseProfileOptions reports bad values without throwing', () => {
  const parsed = parseProfileOptions(['--qemu', 'ten', '--qemu-flavor', 'fedora', '--kvm-memslots', '-1', '--smm', 'maybe', '--vhost-user', 'nolimit', '--vhost-user']);
  assert.equal(parsed.errors.length, 6);
  assert.match(parsed.errors[0], /'ten' is not a QEMU version/);
  assert.deepEqual(parsed.rest, []);
});

test('parseQemuVersion accepts X.Y and X.Y.Z only', () => {
  assert.deepEqual(parseQemuVersion('10.1'), { ok: true, version: { major: 10, minor: 1, micro: 0 } });
  assert.equal(parseQemuVersion('10').ok, false);
  assert.equal(parseQemuVersion('10.0.2-rc1').ok, false);
});

test('applyProfileOptions records the source and origin, and later rules win', () => {
  const settings = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user', '*.sock=8']).overrides, 'settings');
  const cli = applyProfileOptions(settings, parseProfileOptions(['--kvm-memslots', '509', '--vhost-user', 'vu.sock=509']).overrides, 'cli');
  assert.deepEqual([cli.kvmMemslots.value, cli.kvmMemslots.source, cli.kvmMemslots.origin], [509, 'cli', '--kvm-memslots 509']);
  assert.equal(cli.smm.source, 'default');
  assert.equal(findVhostUserRule(cli, '/tmp/vu.sock', 'c0')?.limit, 509);
  assert.equal(findVhostUserRule(cli, '/tmp/other.sock', 'c0')?.limit, 8);
  assert.equal(findVhostUserRule(cli, '/tmp/other.sock', 'c0')?.source, 'settings');
  assert.equal(settings.vhostUserBackends.length, 1, 'the base profile is not changed');
});

test('vhost-user rules match a path glob, a bare file name or a chardev id', () => {
  const p = applyProfileOptions(defaultHostProfile(), parseProfileOptions([
    '--vhost-user', '/run/vhost/*.sock=32', '--vhost-user', 'dpdk*.sock=nocfg', '--vhost-user', 'chr-fs=509',
  ]).overrides, 'cli');
  assert.equal(findVhostUserRule(p, '/run/vhost/a.sock', undefined)?.limit, 32);
  assert.equal(findVhostUserRule(p, '/run/vhost/sub/a.sock', undefined), undefined, '* does not cross /');
  assert.equal(findVhostUserRule(p, '/var/run/dpdk0.sock', undefined)?.limit, 'no-configure-mem-slots');
  assert.equal(findVhostUserRule(p, '/elsewhere/x.sock', 'chr-fs')?.limit, 509);
  assert.equal(findVhostUserRule(p, '/elsewhere/x.sock', 'other'), undefined);
});

test('an unknown vhost-user back-end is simulated with the assumption and listed', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true })
    .vhostUserFs('fs0', 'vu0', '/tmp/mystery.sock').build();
  const sim = simulate(model, defaultHostProfile());
  assert.equal(sim.outcome, 'starts');
  assert.deepEqual(sim.unknownBackends.map((b) => [b.id, b.chardev, b.socketPath, b.assumedLimit]), [['fs0', 'vu0', '/tmp/mystery.sock', 509]]);
  const fs0 = sim.consumers.find((c) => c.id === 'fs0');
  assert.deepEqual([fs0?.limitKnown, fs0?.limitSource.source], [false, 'assumed']);
  const pessimistic = applyProfileOptions(defaultHostProfile(), { unknownVhostUserAssumption: 32 }, 'settings', 'memslot.unknownVhostUser');
  assert.equal(simulate(model, pessimistic).outcome, 'refused');
});

test('limit sources flow into the consumers for hovers', () => {
  const model = sharedBase().vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const p = applyProfileOptions(defaultHostProfile(), parseProfileOptions(['--vhost-user', 'vu.sock=32']).overrides, 'directive');
  const sim = simulate(model, p);
  const fs0 = sim.consumers.find((c) => c.id === 'fs0');
  assert.equal(fs0?.limitSource.source, 'directive');
  assert.match(fs0?.limitSource.origin ?? '', /vu\.sock=32/);
  assert.equal(sim.consumers.find((c) => c.id === 'kvm')?.limitSource.source, 'default');
});

test('the simulation serialises to the CLI contract', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true })
    .vhostUserFs('fs0', 'vu0', '/tmp/vu.sock').build();
  const json = JSON.parse(JSON.stringify(simulate(model, applyProfileOptions(defaultHostProfile(), { vhostUserBackends: [{ pattern: 'vu.sock', limit: 32 }] }, 'cli'))));
  assert.equal(json.outcome, 'refused');
  assert.equal(json.refusedBy, 'fs0');
  assert.equal(typeof json.error, 'string');
  for (const key of ['id', 'driver', 'memslots', 'mapped']) assert.ok(key in json.memoryDevices[0], key);
  for (const key of ['id', 'kind', 'limit', 'used', 'headroom']) assert.ok(key in json.consumers[0], key);
  assert.ok(Array.isArray(json.events) && json.events.length > 0);
});

test('simulate does not modify the model and is deterministic', () => {
  const model = sharedBase().backend('memory-backend-memfd', 'vmem0', 64 * GiB).virtioMem('vm0', 'vmem0', { dynamic: true }).build();
  const before = JSON.stringify(model);
  const a = JSON.stringify(simulate(model, defaultHostProfile()));
  const b = JSON.stringify(simulate(model, defaultHostProfile()));
  assert.equal(a, b);
  assert.equal(JSON.stringify(model), before);
});
