import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeQemuArgs } from '../../client/src/qemu-args-detection';

test('an .args file is QEMU arguments when its first word is a qemu-system binary', () => {
  assert.equal(looksLikeQemuArgs('qemu-system-x86_64 \\\n-m 4G\n'), true);
  assert.equal(looksLikeQemuArgs('/usr/bin/qemu-system-aarch64 -M virt'), true);
  // libvirt's own .args files start with environment assignments.
  assert.equal(looksLikeQemuArgs('LC_ALL=C \\\nPATH=/bin \\\nHOME=/var/lib/libvirt/qemu/domain--1-QEMUGuest1 \\\n/usr/bin/qemu-system-x86_64 \\\n-name guest=QEMUGuest1'), true);
  assert.equal(looksLikeQemuArgs('env LANG=C qemu-system-x86_64 -m 1G'), true);
});

test('other .args files are left alone', () => {
  assert.equal(looksLikeQemuArgs('--verbose --output build\n'), false);
  assert.equal(looksLikeQemuArgs('FOO=bar make all'), false);
  assert.equal(looksLikeQemuArgs(''), false);
  assert.equal(looksLikeQemuArgs('qemu-img create disk.qcow2 10G'), false);
});
