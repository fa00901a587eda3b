// The decision maths of docs/facts/virtio-mem.md#decision-limit and #worked-results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionLimit, hvBalloonMemslots, virtioMemMemslots } from '../../server/src/simulator';
import { GiB, MiB, TiB } from './simulator-builders';

const noLimits = { max: Infinity, free: Infinity, required: 0, reserved: 0, usedRegionSize: 0 };

test('whole-space 1 TiB device: limit 256, 256 memslots of 4 GiB', () => {
  const limit = decisionLimit({ ...noLimits, size: TiB, deviceMemorySpace: 1028 * GiB - 4 * GiB });
  assert.equal(limit.limit, 256);
  assert.equal(limit.branch, 'whole-space');
  const split = virtioMemMemslots(TiB, limit.limit, 2 * MiB, 4096);
  assert.equal(split.memslots, 256);
  assert.equal(split.memslotSize, 4 * GiB);
});

test('1 TiB device in 2048 / 4096 GiB of space: 128 × 8 GiB, 64 × 16 GiB', () => {
  for (const [space, slots, size] of [[2048 * GiB, 128, 8 * GiB], [4096 * GiB, 64, 16 * GiB]]) {
    const limit = decisionLimit({ ...noLimits, size: TiB, deviceMemorySpace: space });
    assert.equal(limit.limit, slots);
    const split = virtioMemMemslots(TiB, limit.limit, 2 * MiB, 4096);
    assert.deepEqual([split.memslots, split.memslotSize], [slots, size]);
  }
});

test('64 GiB of 1020 GiB free → 16 with the explanation', () => {
  const limit = decisionLimit({ ...noLimits, size: 64 * GiB, deviceMemorySpace: 1020 * GiB });
  assert.equal(limit.limit, 16);
  assert.ok(limit.explanation.startsWith('limit 16 = floor(256 × 64 GiB / 1020 GiB)'), limit.explanation);
  const split = virtioMemMemslots(64 * GiB, 16, 2 * MiB, 4096);
  assert.deepEqual([split.memslots, split.memslotSize], [16, 4 * GiB]);
});

test('after 10 DIMMs a 1 TiB device gets 246 memslots of 4264 MiB', () => {
  const limit = decisionLimit({ ...noLimits, required: 10, usedRegionSize: 10 * GiB, size: TiB, deviceMemorySpace: 1034 * GiB });
  assert.equal(limit.limit, 246);
  assert.match(limit.explanation, /246 = min\(256 − 10 required/);
  const split = virtioMemMemslots(TiB, 246, 2 * MiB, 4096);
  assert.equal(split.memslots, 246);
  assert.equal(split.memslotSize, 4264 * MiB);
});

test('after 2 DIMMs: 254 × 64/1018 → 15 memslots of 4582277120 bytes', () => {
  const limit = decisionLimit({ ...noLimits, required: 2, usedRegionSize: 2 * GiB, size: 64 * GiB, deviceMemorySpace: 1020 * GiB });
  assert.equal(limit.limit, 15);
  const split = virtioMemMemslots(64 * GiB, 15, 2 * MiB, 4096);
  assert.deepEqual([split.memslots, split.memslotSize], [15, 4582277120]);
});

test('block-size 8 GiB: limit 254, 128 memslots of 8 GiB', () => {
  const limit = decisionLimit({ ...noLimits, size: TiB, deviceMemorySpace: 1032 * GiB });
  assert.equal(limit.limit, 254);
  const split = virtioMemMemslots(TiB, 254, 8 * GiB, 4096);
  assert.deepEqual([split.memslots, split.memslotSize], [128, 8 * GiB]);
});

test('64 GiB whole space: the 1 GiB minimum gives 64 memslots', () => {
  const limit = decisionLimit({ ...noLimits, size: 64 * GiB, deviceMemorySpace: 64 * GiB });
  assert.equal(limit.limit, 256);
  const split = virtioMemMemslots(64 * GiB, 256, 2 * MiB, 4096);
  assert.deepEqual([split.memslots, split.memslotSize], [64, GiB]);
  assert.match(split.explanation, /1 GiB minimum/);
});

test('two 64 GiB devices in 128 GiB: limits 128 then 192, 64 × 1 GiB each', () => {
  const first = decisionLimit({ ...noLimits, size: 64 * GiB, deviceMemorySpace: 128 * GiB });
  assert.equal(first.limit, 128);
  const second = decisionLimit(
    { ...noLimits, required: 64, reserved: 64, usedRegionSize: 64 * GiB, size: 64 * GiB, deviceMemorySpace: 128 * GiB });
  assert.equal(second.limit, 192);
  assert.equal(virtioMemMemslots(64 * GiB, 192, 2 * MiB, 4096).memslots, 64);
});

test('1.5 GiB device gets 2 memslots, 1 GiB device 1', () => {
  assert.equal(virtioMemMemslots(1536 * MiB, 100, 2 * MiB, 4096).memslots, 2);
  assert.equal(virtioMemMemslots(GiB, 100, 2 * MiB, 4096).memslots, 1);
});

test('a limit below 509 anywhere gives 1', () => {
  const limit = decisionLimit({ ...noLimits, max: 32, free: 30, size: 64 * GiB, deviceMemorySpace: 1020 * GiB });
  assert.equal(limit.limit, 1);
  assert.equal(limit.branch, 'below-safe-max');
  assert.match(limit.explanation, /32, below 509/);
});

test('the soft limit and an exhausted budget give 1', () => {
  assert.equal(decisionLimit({ ...noLimits, required: 256, size: GiB, deviceMemorySpace: 1020 * GiB }).branch, 'soft-limit-reached');
  assert.equal(decisionLimit({ ...noLimits, max: 509, free: 5, reserved: 6, size: GiB, deviceMemorySpace: 1020 * GiB }).branch, 'no-budget');
  // free − reserved caps the budget: KVM with 509 slots, 500 used → 9 free.
  assert.equal(decisionLimit({ ...noLimits, max: 509, free: 9, size: 64 * GiB, deviceMemorySpace: 64 * GiB }).limit, 9);
});

test('hv-balloon: 128 MiB granularity, no 1 GiB minimum', () => {
  const split = hvBalloonMemslots(4 * GiB, 256);
  assert.equal(split.memslotSize, 128 * MiB);
  assert.equal(split.memslots, 32);
  assert.equal(hvBalloonMemslots(4 * GiB, 1).memslots, 1);
});
