import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitShell, wordSliceOffsets } from '../../server/src/frontends/qemu/shell-words';

// Words keep where each character came from as runs (plain text, escapes, expansions) rather than
// two numbers per character; these check the runs answer exactly what the per-character map did.
// Offsets are counted by hand from the texts.

test('a plain word maps character i to offset start + i', () => {
  const text = 'qemu -device virtio-mem-pci,id=vm0';
  const word = splitShell(text).commands[0].words[2];
  assert.equal(word.text, 'virtio-mem-pci,id=vm0');
  assert.deepEqual(word.starts, Array.from({ length: 21 }, (_, i) => 13 + i));
  assert.deepEqual(word.ends, Array.from({ length: 21 }, (_, i) => 14 + i));
  assert.deepEqual(wordSliceOffsets(word, 15, 21), { start: 28, end: 34 });
});

test('escaped blanks between plain characters keep both source characters', () => {
  // a=0, '\ '=1..3, b=3, '\ '=4..6, c=6
  const word = splitShell('a\\ b\\ c').commands[0].words[0];
  assert.equal(word.text, 'a b c');
  assert.deepEqual(word.starts, [0, 1, 3, 4, 6]);
  assert.deepEqual(word.ends, [1, 3, 4, 6, 7]);
  assert.deepEqual(wordSliceOffsets(word, 1, 4), { start: 1, end: 6 });
});

test('an expanded value maps every character to the whole expansion, then plain text follows', () => {
  // Line 2 starts at 5: echo 5..9, '"' 10, $X 11..13, '"' 13, z 14.
  const word = splitShell('X=hi\necho "$X"z\n').commands[1].words[1];
  assert.equal(word.text, 'hiz');
  assert.deepEqual(word.starts, [11, 11, 14]);
  assert.deepEqual(word.ends, [13, 13, 15]);
  assert.deepEqual(wordSliceOffsets(word, 0, 2), { start: 11, end: 13 });
  assert.deepEqual(wordSliceOffsets(word, 1, 3), { start: 11, end: 15 });
  assert.deepEqual(wordSliceOffsets(word, 3, 3), { start: 15, end: 15 });
});

test('an unterminated double quote drops what was read inside it and maps the rest of the line', () => {
  // '"' at 2; the word restarts from 'ab' and takes the line after the quote character by character.
  const { commands } = splitShell('ab"c$X d\n');
  const word = commands[0].words[0];
  assert.equal(word.text, 'abc$X d');
  assert.deepEqual(word.starts, [0, 1, 3, 4, 5, 6, 7]);
  assert.deepEqual(word.ends, [1, 2, 4, 5, 6, 7, 8]);
});
