import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileWithDirectives, readDirectives } from '../../server/src/directives/index';
import { profileWithSettings, readMemslotSettings } from '../../server/src/rules/index';
import { applyProfileOptions, defaultHostProfile, findVhostUserRule, parseProfileOptions } from '../../server/src/simulator/index';
import { rangeOf } from './qemu-test-helpers';
import { applyFix, lint, withCode } from './rules-helpers';

test('a script directive takes the CLI options and sets the profile with source "directive"', () => {
  const text = '#!/bin/sh\n# memslot: --vhost-user /run/vfsd.sock=32 --qemu 9.2\nqemu-system-x86_64 -m 1G\n';
  const read = readDirectives(text, 'shell');
  assert.deepEqual(read.findings, []);
  assert.deepEqual(read.profileArgs.map((a) => a.args), [['--vhost-user', '/run/vfsd.sock=32'], ['--qemu', '9.2']]);
  const profile = profileWithDirectives(defaultHostProfile(), read);
  assert.deepEqual(profile.qemuVersion.value, { major: 9, minor: 2, micro: 0 });
  assert.equal(profile.qemuVersion.source, 'directive');
  assert.match(profile.qemuVersion.origin, /--qemu 9\.2.*line 2/);
  const rule = findVhostUserRule(profile, '/run/vfsd.sock', undefined);
  assert.equal(rule?.limit, 32);
  assert.equal(rule?.source, 'directive');
});

test('precedence: defaults < settings < CLI flags < file directive', () => {
  const text = '# memslot: --qemu 9.2\n-m 1G\n';
  const settings = readMemslotSettings({ host: { qemuVersion: '8.2', kvmMemslots: 509 } });
  assert.deepEqual(settings.errors, []);
  const fromSettings = profileWithSettings(defaultHostProfile(), settings);
  assert.equal(fromSettings.kvmMemslots.value, 509);
  assert.equal(fromSettings.kvmMemslots.source, 'settings');
  const cli = parseProfileOptions(['--qemu', '9.0']);
  const withCli = applyProfileOptions(fromSettings, cli.overrides, 'cli');
  assert.equal(withCli.qemuVersion.source, 'cli');
  const final = profileWithDirectives(withCli, readDirectives(text, 'qemu-args'));
  assert.deepEqual(final.qemuVersion.value, { major: 9, minor: 2, micro: 0 });
  assert.equal(final.qemuVersion.source, 'directive');
  // What the directive does not set keeps the lower layer's value and source.
  assert.equal(final.kvmMemslots.value, 509);
  assert.equal(final.kvmMemslots.source, 'settings');
});

test('a bad word in a directive is an MS100 finding on that word, and the good options still apply', () => {
  const text = '# memslot: --qemu nine --bogus --kvm-memslots 509\n-m 1G\n';
  const read = readDirectives(text, 'qemu-args');
  assert.deepEqual(read.findings.map((f) => [f.code, f.severity, f.range]), [
    ['MS100', 'error', rangeOf(text, 'nine')],
    ['MS100', 'error', rangeOf(text, '--bogus')],
  ]);
  assert.equal(profileWithDirectives(defaultHostProfile(), read).kvmMemslots.value, 509);
});

test('a flag without its value is reported on the flag', () => {
  const text = '# memslot: --vhost-user\n';
  const read = readDirectives(text, 'shell');
  assert.equal(read.findings.length, 1);
  assert.deepEqual(read.findings[0].range, rangeOf(text, '--vhost-user'));
});

test('XML directives: dashless options apply; "--" (forbidden in XML comments) is reported with a fix that removes it', () => {
  const good = "<!-- memslot: vhost-user /run/vfsd.sock=8 qemu 8.2 -->\n<domain type='kvm'/>\n";
  const read = readDirectives(good, 'libvirt-xml');
  assert.deepEqual(read.findings, []);
  assert.equal(profileWithDirectives(defaultHostProfile(), read).qemuVersion.value.minor, 2);

  const bad = "<!-- memslot: --qemu 8.2 -->\n<domain type='kvm'/>\n";
  const readBad = readDirectives(bad, 'libvirt-xml');
  assert.equal(readBad.findings.length, 1);
  assert.match(readBad.findings[0].message, /Double hyphen within comment/);
  assert.equal(profileWithDirectives(defaultHostProfile(), readBad).qemuVersion.value.major, 8);
  const fixed = applyFix(bad, readBad.findings[0].fixes?.[0] ?? { title: '', edits: [] });
  assert.equal(fixed, "<!-- memslot: qemu 8.2 -->\n<domain type='kvm'/>\n");
  assert.deepEqual(readDirectives(fixed, 'libvirt-xml').findings, []);
});

test('suppressions name codes and ids; unknown codes and a missing "for" are MS100', () => {
  const text = '# memslot: disable MS001,MS004 for fs0 vub0\n# memslot: disable MS777 for x\n# memslot: disable MS001\n';
  const read = readDirectives(text, 'shell');
  assert.equal(read.suppressions.length, 1);
  assert.deepEqual(read.suppressions[0].codes.map((c) => c.text), ['MS001', 'MS004']);
  assert.deepEqual(read.suppressions[0].codes[1].range, rangeOf(text, 'MS004'));
  assert.deepEqual(read.suppressions[0].ids.map((c) => c.text), ['fs0', 'vub0']);
  assert.deepEqual(read.findings.map((f) => f.range), [rangeOf(text, 'MS777'), rangeOf(text, 'MS001', 1)]);
});

const refusedScript = `#!/bin/sh
qemu-system-x86_64 -accel kvm -M q35 -m 1G,maxmem=65G \\
  -object memory-backend-memfd,id=m0,size=64G \\
  -device virtio-mem-pci,id=vm0,memdev=m0,dynamic-memslots=on \\
  -chardev socket,id=c0,path=/run/vub.sock \\
  -device vhost-user-blk-pci,chardev=c0,id=vub0
`;

test('a directive in the file decides the verdict: the same script starts or is refused by its back-end limit', () => {
  assert.equal(lint(refusedScript, 'shell').machines[0].simulation.outcome, 'starts');
  const declared = refusedScript.replace('#!/bin/sh\n', '#!/bin/sh\n# memslot: --vhost-user /run/vub.sock=32\n');
  const linted = lint(declared, 'shell');
  assert.equal(linted.machines[0].simulation.outcome, 'refused');
  assert.equal(withCode(linted, 'MS001').length, 1);
});

test('suppression by code and device id drops the finding; the "disable" fix inserts exactly that', () => {
  const cli = ['--vhost-user', '/run/vub.sock=32'];
  const found = withCode(lint(refusedScript, 'shell', cli), 'MS001')[0];
  const disable = found.fixes?.find((f) => /^Disable MS001 for 'vub0'/.test(f.title));
  assert.ok(disable);
  const fixed = applyFix(refusedScript, disable);
  assert.ok(fixed.includes('\n# memslot: disable MS001 for vub0\nqemu-system-x86_64'), fixed);
  const after = lint(fixed, 'shell', cli);
  assert.deepEqual(withCode(after, 'MS001'), []);
  assert.deepEqual(withCode(after, 'MS101'), []);
  // The deciding device is named too, so suppressing by it works as well.
  const byDecider = lint(refusedScript.replace('#!/bin/sh\n', '#!/bin/sh\n# memslot: disable MS001 for vm0\n'), 'shell', cli);
  assert.deepEqual(withCode(byDecider, 'MS001'), []);
});

test('an unused suppression is reported (MS101) on its id, saying why', () => {
  const text = refusedScript.replace('#!/bin/sh\n', '#!/bin/sh\n# memslot: disable MS001 for vub0 nothere\n');
  const cli = ['--vhost-user', '/run/vub.sock=32'];
  const linted = lint(text, 'shell', cli);
  assert.deepEqual(withCode(linted, 'MS001'), []);
  const unused = withCode(linted, 'MS101');
  assert.equal(unused.length, 1);
  assert.equal(unused[0].severity, 'warning');
  assert.deepEqual(unused[0].range, rangeOf(text, 'nothere'));
  assert.match(unused[0].message, /nothing in this file has the id 'nothere'/);
  // With a 509-slot back-end nothing is refused: the suppression of vub0 is unused too.
  const clean = lint(text, 'shell', ['--vhost-user', '/run/vub.sock=509']);
  assert.deepEqual(withCode(clean, 'MS101').map((f) => f.range), [rangeOf(text, 'vub0'), rangeOf(text, 'nothere')]);
  assert.match(withCode(clean, 'MS101')[0].message, /no MS001 finding for 'vub0'/);
});

test('front-end findings are suppressed through the device whose text contains them', () => {
  const text = '# memslot: disable MS905 for vm0\n-m 1G,maxmem=9G -device virtio-mem-pci,id=vm0,memdev=nope\n';
  const before = lint(text.split('\n').slice(1).join('\n'), 'qemu-args');
  assert.ok(withCode(before, 'MS905').length > 0, 'the dangling memdev is reported without the suppression');
  const after = lint(text, 'qemu-args');
  assert.deepEqual(withCode(after, 'MS905'), []);
  assert.deepEqual(withCode(after, 'MS101'), []);
});
