import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { optionsWithArgument, optionsWithoutArgument, removedOptions, takesArgument } from '../../server/src/frontends/qemu/option-table';
import { qemuBinary, qemuVersion } from './qemu-runner';
import { reportMissingQemu } from './environment';

/**
 * Our table of which QEMU options take an argument, against the real qemu-system-x86_64:
 * every option its `-help` lists, and every option our table names, must split the way QEMU's
 * own option parser splits them.
 *
 * QEMU's verdict comes from its parser, not from reading the help prose: `qemu -version -X`
 * makes QEMU scan all options first, and it stops with `-X: requires an argument` when X takes
 * one (nothing follows it), with `-X: invalid option` when it does not know X, and otherwise
 * reaches `-version`, prints the version and exits. Where the help line itself is unambiguous
 * (`-opt value` with one space, or a bare `-opt`), it must agree with the parser too.
 */

type Verdict = 'argument' | 'none' | 'unknown';

const binary = qemuBinary();
const version = qemuVersion(binary);

function probe(name: string): Verdict {
  const result = spawnSync(binary, ['-version', `-${name}`], { encoding: 'utf8', timeout: 10_000 });
  const stderr = result.stderr ?? '';
  if (stderr.includes(`-${name}: requires an argument`)) return 'argument';
  if (stderr.includes(`-${name}: invalid option`)) return 'unknown';
  if (result.status === 0 && (result.stdout ?? '').startsWith('QEMU emulator version')) return 'none';
  throw new Error(`unexpected answer of ${binary} -version -${name}: status ${result.status}, stderr ${JSON.stringify(stderr)}`);
}

/** Option names of the help's synopsis lines, with what the line alone says about an argument. */
function helpOptions(help: string): Map<string, Verdict | 'ambiguous'> {
  const options = new Map<string, Verdict | 'ambiguous'>();
  for (const line of help.split('\n')) {
    if (!line.startsWith('-')) continue;
    // `-h or -help     display ...`: two names, no argument.
    const alias = /^-(\S+) or -(\S+)\s/.exec(line);
    if (alias) {
      options.set(alias[1], 'none');
      options.set(alias[2], 'none');
      continue;
    }
    const match = /^--?(\S+)(.*)$/.exec(line.trimEnd());
    if (!match) continue;
    const [, token, rest] = match;
    // `-opt value ...` (one space) names an argument; a bare `-opt` has none; `-opt    text` may be
    // a description (`-S              freeze CPU`) or an argument (`-dtb    file`).
    const said: Verdict | 'ambiguous' = rest === '' ? 'none' : /^ \S/.test(rest) ? 'argument' : 'ambiguous';
    // `-fda/-fdb file` lists two options.
    for (const name of token.split('/').map((n) => n.replace(/^-+/, ''))) {
      const earlier = options.get(name);
      options.set(name, earlier === undefined || earlier === said ? said : 'ambiguous');
    }
  }
  return options;
}


if (!version) {
  reportMissingQemu('option arity', binary, 'the check of the option table against real QEMU');
} else {
  test(`option arity: every option of ${binary} -help splits like QEMU (${version})`, () => {
    const help = spawnSync(binary, ['-help'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(help.status, 0, help.stderr);
    const listed = helpOptions(help.stdout);
    // A help text we failed to read would make this test pass vacuously.
    assert.ok(listed.size >= 100, `only ${listed.size} options read from -help`);
    for (const name of ['machine', 'm', 'object', 'device', 'S', 'nodefaults', 'fda', 'fdb', 'h', 'help']) {
      assert.ok(listed.has(name), `-help parsing lost -${name}`);
    }
    const wrong: string[] = [];
    for (const [name, said] of listed) {
      const verdict = probe(name);
      assert.notEqual(verdict, 'unknown', `-help lists -${name} but QEMU calls it an invalid option`);
      if (said !== 'ambiguous') assert.equal(verdict, said, `the help line of -${name} and QEMU's parser disagree`);
      const ours = takesArgument(name);
      const expected = verdict === 'argument';
      if (ours !== expected) wrong.push(`-${name}: QEMU ${expected ? 'takes an argument' : 'takes no argument'}, our table says ${ours === undefined ? 'nothing' : ours ? 'argument' : 'no argument'}`);
    }
    assert.deepEqual(wrong, [], `option table disagrees with QEMU:\n${wrong.join('\n')}`);
  });

  test('option arity: every option in our table is known to QEMU with the same arity, or listed as removed', () => {
    const wrong: string[] = [];
    for (const [table, ours] of [[optionsWithArgument, 'argument'], [optionsWithoutArgument, 'none']] as const) {
      for (const name of table) {
        const verdict = probe(name);
        if (verdict === 'unknown') {
          if (!removedOptions.has(name)) wrong.push(`-${name}: QEMU does not know it, and it is not listed as removed`);
          continue;
        }
        if (removedOptions.has(name)) wrong.push(`-${name}: listed as removed, but QEMU still knows it`);
        if (verdict !== ours) wrong.push(`-${name}: QEMU says ${verdict}, our table says ${ours}`);
      }
    }
    assert.deepEqual(wrong, [], wrong.join('\n'));
  });
}
