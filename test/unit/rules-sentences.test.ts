import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sentence, sentences } from '../../server/src/rules/sentences';

test('sentence: upper-case start, one full stop; numbers and identifiers keep their case', () => {
  assert.equal(sentence('the fullest vhost back-end has 0 free memslots'), 'The fullest vhost back-end has 0 free memslots.');
  assert.equal(sentence('KVM allows 8.'), 'KVM allows 8.');
  assert.equal(sentence('12 region(s) in use'), '12 region(s) in use.');
  assert.equal(sentence("virtio-mem-pci 'vm0' maps all 1 TiB"), "virtio-mem-pci 'vm0' maps all 1 TiB.");
  assert.equal(sentence('it fails ("vhost_set_mem_table failed")'), 'It fails ("vhost_set_mem_table failed").');
  assert.equal(sentence('QEMU says "stop."'), 'QEMU says "stop."');
  assert.equal(sentence('  '), '');
});

test('sentences: joined by one space, empty parts dropped', () => {
  assert.equal(sentences('QEMU refuses it: "x"', undefined, 'the fullest has 0', ''), 'QEMU refuses it: "x". The fullest has 0.');
});
