import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliArguments, type CliOptions } from '../../server/src/cli/arguments';
import { runCli } from './cli-helpers';

/** The options a run would use, or a failed assertion naming what parseCliArguments said instead. */
function options(args: string[]): CliOptions {
  const parsed = parseCliArguments(args);
  assert.equal(parsed.kind, 'run', `memslot ${args.join(' ')}: ${parsed.kind === 'exit' ? parsed.stderr ?? parsed.stdout : ''}`);
  if (parsed.kind !== 'run') throw new Error('unreachable');
  return parsed.options;
}

async function usageError(args: string[]): Promise<string> {
  const run = await runCli(args);
  assert.equal(run.status, 2, `memslot ${args.join(' ')}`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /\nTry 'memslot --help' for more information\.\n$/);
  return run.stderr.split('\n')[0] ?? '';
}

test('--flag=value and --flag value read the same, for our flags and the host profile ones', async () => {
  const spaced = options(['--format', 'json', '--fail-on', 'none', '--hotplug', 'p.qmp', '--kvm-memslots', '509', '--smm', 'off', 'vm.sh']);
  const joined = options(['--format=json', '--fail-on=none', '--hotplug=p.qmp', '--kvm-memslots=509', '--smm=off', 'vm.sh']);
  assert.equal(joined.format, 'json');
  assert.equal(joined.failOn, 'none');
  assert.deepEqual(joined.plans, ['p.qmp']);
  assert.equal(joined.profile.kvmMemslots.value, 509);
  assert.equal(joined.profile.smm.value, false);
  assert.deepEqual(joined, spaced);
});

test('--vhost-user and --hotplug repeat, in order; a later --format wins', async () => {
  const parsed = options(['--vhost-user', 'a.sock=8', '--hotplug', 'one.qmp', '--format', 'json', '--vhost-user=chr0=nocfg',
    '--hotplug=two.hmp', '--format', 'sarif', 'vm.sh']);
  assert.deepEqual(parsed.plans, ['one.qmp', 'two.hmp']);
  assert.equal(parsed.format, 'sarif');
  const rules = parsed.profile.vhostUserBackends.map((rule) => `${rule.pattern}=${rule.limit}`);
  assert.ok(rules.includes('a.sock=8') && rules.includes('chr0=no-configure-mem-slots'), rules.join(', '));
});

test('after -- every word is a FILE or DIR, flags included (the profile flags too)', async () => {
  const parsed = options(['--smm', 'on', '--', '--smm', 'off', '-h', '--hotplug', 'x']);
  assert.deepEqual(parsed.paths, ['--smm', 'off', '-h', '--hotplug', 'x']);
  assert.equal(parsed.profile.smm.value, true);
  assert.deepEqual(parsed.plans, []);
  const run = await runCli(['--fail-on', 'none', '--', '--kvm-memslots', '1']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^memslot: --kvm-memslots: no such file or directory$/m);
  assert.doesNotMatch(run.stderr, /whole number/);
});

test('a value that starts with - is the value, not the next flag', async () => {
  assert.deepEqual(options(['--hotplug', '-plan.qmp', 'vm.sh']).plans, ['-plan.qmp']);
  assert.deepEqual(options(['--vhost-user', '-odd.sock=4', 'vm.sh']).profile.vhostUserBackends.map((rule) => rule.pattern), ['-odd.sock']);
  assert.equal(await usageError(['--kvm-memslots', '-1', 'vm.sh']), "memslot: --kvm-memslots: '-1' is not a whole number");
  assert.equal(await usageError(['--format', '--json', 'vm.sh']), "memslot: --format must be text, json or sarif, not '--json'");
  assert.equal(await usageError(['--format', '--hotplug', 'p.qmp', 'vm.sh']), "memslot: --format must be text, json or sarif, not '--hotplug'");
  // A lone '-' is a FILE (read as a path), as before.
  assert.deepEqual(options(['-']).paths, ['-']);
});

test('unknown options are named as written, short groups and values included', async () => {
  assert.equal(await usageError(['--no-such-flag', 'vm.sh']), "memslot: unknown option '--no-such-flag'");
  assert.equal(await usageError(['--no-such-flag=3', 'vm.sh']), "memslot: unknown option '--no-such-flag=3'");
  assert.equal(await usageError(['-x', 'vm.sh']), "memslot: unknown option '-x'");
  assert.equal(await usageError(['-hx', 'vm.sh']), "memslot: unknown option '-hx'");
  assert.equal(await usageError(['--help=yes']), "memslot: unknown option '--help=yes'");
  assert.equal(await usageError(['--h', 'vm.sh']), "memslot: unknown option '--h'");
});

test('a flag without its value says which one', async () => {
  assert.equal(await usageError(['--format']), 'memslot: --format must be text, json or sarif');
  assert.equal(await usageError(['--fail-on']), 'memslot: --fail-on must be error, warning, information, hint or none');
  assert.equal(await usageError(['vm.sh', '--hotplug']), 'memslot: --hotplug needs a plan file (QMP, HMP or libvirt device XML)');
  assert.equal(await usageError(['vm.sh', '--hotplug=']), 'memslot: --hotplug needs a plan file (QMP, HMP or libvirt device XML)');
  assert.equal(await usageError(['vm.sh', '--vhost-user-unknown']), 'memslot: --vhost-user-unknown needs a value');
});

test('which usage error wins: a plan-less --hotplug, then bad profile values (all of them), then the first other problem', async () => {
  assert.match(await usageError(['--bogus', '--smm', 'maybe', 'vm.sh', '--hotplug']), /--hotplug needs a plan file/);
  const run = await runCli(['--bogus', '--smm', 'maybe', '--kvm-memslots', 'many', 'vm.sh']);
  assert.equal(run.stderr.split('\n').slice(0, 2).join('\n'), "memslot: --smm: 'maybe' is not on or off\n--kvm-memslots: 'many' is not a whole number");
  assert.equal(await usageError(['--bogus', '--help']), "memslot: unknown option '--bogus'");
  assert.equal((await runCli(['--help', '--bogus'])).status, 0);
  assert.equal(await usageError(['--format', 'xml', '--fail-on', 'fatal', 'vm.sh']), "memslot: --format must be text, json or sarif, not 'xml'");
});
