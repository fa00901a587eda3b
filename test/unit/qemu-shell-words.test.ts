import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentText } from '../../server/src/model/document-text';
import { splitShell, wordSliceOffsets, type ShellWord } from '../../server/src/frontends/qemu/shell-words';
import { positionOf, rangeOf } from './qemu-test-helpers';

const texts = (words: ShellWord[]) => words.map((w) => w.text);

function sliceRange(text: string, word: ShellWord, from: number, to: number) {
  const { start, end } = wordSliceOffsets(word, from, to);
  return { start: positionOf(text, start), end: positionOf(text, end) };
}

test('splits words on blanks and keeps their source offsets', () => {
  const text = 'qemu-system-x86_64  -m 4G';
  const { commands, findings } = splitShell(text);
  assert.equal(findings.length, 0);
  assert.equal(commands.length, 1);
  assert.deepEqual(texts(commands[0].words), ['qemu-system-x86_64', '-m', '4G']);
  assert.deepEqual([commands[0].words[1].start, commands[0].words[1].end], [20, 22]);
});

test('removes quotes and maps each character to where it was written', () => {
  const text = `echo 'a b' "c d" e\\ f`;
  const words = splitShell(text).commands[0].words;
  assert.deepEqual(texts(words), ['echo', 'a b', 'c d', 'e f']);
  // 'b' inside single quotes is at offset 8; the quotes are part of the word's own extent.
  assert.equal(words[1].starts[2], 8);
  assert.deepEqual([words[1].start, words[1].end], [5, 10]);
  // The escaped blank maps to the backslash and the blank together.
  assert.deepEqual([words[3].starts[1], words[3].ends[1]], [18, 20]);
});

test('backslash-newline continues a command, also with CRLF line ends', () => {
  for (const newline of ['\n', '\r\n']) {
    const text = `qemu-system-x86_64 \\${newline}  -m 4G \\${newline}  -smp 2`;
    const { commands } = splitShell(text);
    assert.equal(commands.length, 1);
    assert.deepEqual(texts(commands[0].words), ['qemu-system-x86_64', '-m', '4G', '-smp', '2']);
    const smp = commands[0].words[3];
    assert.deepEqual(sliceRange(text, smp, 0, 4), rangeOf(text, '-smp'));
  }
});

test('a continuation inside a quoted word joins the lines and keeps exact ranges', () => {
  const text = 'qemu-system-x86_64 -device "virtio-mem-pci,id=vm0,\\\nmemdev=m0"';
  const words = splitShell(text).commands[0].words;
  assert.equal(words[2].text, 'virtio-mem-pci,id=vm0,memdev=m0');
  const at = words[2].text.indexOf('m0', 25);
  assert.deepEqual(sliceRange(text, words[2], at, at + 2), { start: { line: 1, character: 7 }, end: { line: 1, character: 9 } });
});

test('comment lines between continued lines are skipped when more options follow', () => {
  const text = [
    'qemu-system-x86_64 \\',
    '  -m 4G \\',
    '  # -smp 4 \\',
    '  # another note',
    '  -device virtio-balloon-pci',
    'echo done',
  ].join('\n');
  const { commands } = splitShell(text);
  assert.equal(commands.length, 2);
  assert.deepEqual(texts(commands[0].words), ['qemu-system-x86_64', '-m', '4G', '-device', 'virtio-balloon-pci']);
  assert.deepEqual(texts(commands[1].words), ['echo', 'done']);
});

test('a comment after a continuation ends the command when no option follows', () => {
  const text = 'qemu-system-x86_64 \\\n  -m 4G \\\n# end of qemu\necho done';
  const { commands } = splitShell(text);
  assert.deepEqual(commands.map((c) => texts(c.words)), [['qemu-system-x86_64', '-m', '4G'], ['echo', 'done']]);
});

test('trailing comments and # inside words', () => {
  const { commands } = splitShell('qemu-system-x86_64 -name a#b # -m 4G');
  assert.deepEqual(texts(commands[0].words), ['qemu-system-x86_64', '-name', 'a#b']);
});

test('control operators separate commands', () => {
  const { commands } = splitShell('a; b && c || d | e & f\ng');
  assert.deepEqual(commands.map((c) => texts(c.words)), [['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g']]);
});

test('variables assigned earlier in the script are expanded; the pieces map back', () => {
  const text = 'MEM=4G\nexport DEV="virtio-mem-pci,id=vm0"\nqemu-system-x86_64 -m $MEM -device ${DEV},memdev=m0';
  const { commands } = splitShell(text);
  const words = commands[2].words;
  assert.deepEqual(texts(words), ['qemu-system-x86_64', '-m', '4G', '-device', 'virtio-mem-pci,id=vm0,memdev=m0']);
  assert.deepEqual(sliceRange(text, words[2], 0, 2), rangeOf(text, '$MEM'));
  assert.deepEqual(sliceRange(text, words[4], 0, 3), rangeOf(text, '${DEV}'));
  const at = words[4].text.indexOf('memdev=');
  assert.deepEqual(sliceRange(text, words[4], at + 7, at + 9), rangeOf(text, 'm0', 1));
  assert.equal(words[4].unresolved.length, 0);
});

test('unquoted expansions are split into words; quoted ones are not', () => {
  const text = 'OPTS="-m 4G  -smp 2"\nqemu-system-x86_64 $OPTS "$OPTS"';
  const words = splitShell(text).commands[1].words;
  assert.deepEqual(texts(words), ['qemu-system-x86_64', '-m', '4G', '-smp', '2', '-m 4G  -smp 2']);
});

test('unknown expansions are kept as written and marked with their range', () => {
  const text = 'qemu-system-x86_64 -m ${MEM} -object memory-backend-ram,id=m0,size=$(get_size) "$@"';
  const words = splitShell(text).commands[0].words;
  assert.equal(words[2].text, '${MEM}');
  assert.deepEqual(words[2].unresolved.map((u) => [u.name, u.from, u.to]), [['MEM', 0, 6]]);
  const object = words[4];
  assert.equal(object.text, 'memory-backend-ram,id=m0,size=$(get_size)');
  assert.equal(object.unresolved.length, 1);
  assert.equal(object.unresolved[0].text, '$(get_size)');
  assert.equal(object.unresolved[0].sourceStart, text.indexOf('$(get_size)'));
  assert.equal(words[5].unresolved[0].text, '$@');
});

test('default-value expansions use the default when the variable is unset', () => {
  const text = 'QEMU=${QEMU:-qemu-system-aarch64}\n$QEMU -m ${MEM:-2G}';
  const words = splitShell(text).commands[1].words;
  assert.deepEqual(texts(words), ['qemu-system-aarch64', '-m', '2G']);
});

test('here-document bodies are not commands', () => {
  const text = 'cat <<EOF > run.sh\nqemu-system-x86_64 -m 1G\nEOF\nqemu-system-x86_64 -m 2G';
  const { commands } = splitShell(text);
  assert.deepEqual(commands.map((c) => texts(c.words)), [['cat'], ['qemu-system-x86_64', '-m', '2G']]);
});

test('redirections are not words of the command', () => {
  const { commands } = splitShell('qemu-system-x86_64 -m 1G 2>&1 >/tmp/log </dev/null');
  assert.deepEqual(texts(commands[0].words), ['qemu-system-x86_64', '-m', '1G']);
});

test('an unterminated quote is reported with its range and the rest is still read', () => {
  const text = "qemu-system-x86_64 -m 4G -name 'guest\nqemu-system-x86_64 -m 1G";
  const lines = new DocumentText(text);
  const { commands, findings } = splitShell(text, lines);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].code, 'MS901');
  assert.equal(findings[0].message, 'unterminated single quote');
  assert.deepEqual(findings[0].range, { start: positionOf(text, text.indexOf("'")), end: { line: 0, character: 37 } });
  assert.deepEqual(texts(commands[0].words).slice(0, 3), ['qemu-system-x86_64', '-m', '4G']);
  assert.ok(commands[0].words[4].unterminated);
  assert.deepEqual(texts(commands[1].words), ['qemu-system-x86_64', '-m', '1G']);
});

test('an unterminated double quote is reported too', () => {
  const text = 'qemu-system-x86_64 -device "virtio-mem-pci,id=a';
  const { findings } = splitShell(text);
  assert.equal(findings[0]?.message, 'unterminated double quote');
  assert.deepEqual(findings[0].range, { start: positionOf(text, text.indexOf('"')), end: positionOf(text, text.length) });
});

test('command substitutions may hold quotes with parentheses', () => {
  const text = 'qemu-system-x86_64 -name "$(echo ")")" -m 1G';
  const words = splitShell(text).commands[0].words;
  assert.deepEqual(texts(words), ['qemu-system-x86_64', '-name', '$(echo ")")', '-m', '1G']);
});

test('a variable assigned from an unknown value stays unknown', () => {
  const text = 'mem=$1\nqemu-system-x86_64 -m "$mem"';
  const words = splitShell(text).commands[1].words;
  assert.equal(words[2].text, '$mem');
  assert.deepEqual(words[2].unresolved.map((u) => u.name), ['mem']);
});
