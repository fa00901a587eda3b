import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, fixTitled, lint, withCode } from './rules-helpers';

/**
 * MS013: VFIO DMA mappings (docs/facts/memslots.md#vfio-dma-mappings): block mappings + KVM's 32764 memslots − sections must stay
 * within 65535. 256 GiB in 2 MiB blocks is 131072 mappings (too many); 8 MiB blocks give 32768
 * (+ 32763 = 65531, fits); 32 GiB in 2 MiB blocks is 16384 (fits).
 */
const script = (size: string, extra = '') => `qemu-system-x86_64 -accel kvm -M q35 -cpu host -m 4G,maxmem=260G \\
  -object memory-backend-memfd,id=m0,size=${size} \\
  -device virtio-mem-pci,id=vm0,memdev=m0${extra} \\
  -device vfio-pci,host=0000:01:00.0,id=gpu0
`;

test('MS013: warning up to QEMU 10.1, error from 10.2, with QEMU\'s text; the fix raises block-size to 8M', () => {
  const warning = withCode(lint(script('256G'), 'shell'), 'MS013');
  assert.equal(warning.length, 1);
  assert.equal(warning[0].severity, 'warning');
  assert.equal(warning[0].message, "vm0 needs up to 131072 VFIO DMA mappings in 2 MiB blocks, over the IOMMU's 65535: DMA mapping can fail");
  assert.ok(String(warning[0].data?.qemu).includes("possibly running out of DMA mappings. E.g., try increasing the 'block-size' of virtio-mem devies. Maximum possible DMA mappings: 65535, Maximum possible memslots: 32764"));
  const error = withCode(lint(script('256G'), 'shell', ['--qemu', '10.2']), 'MS013');
  assert.equal(error[0].severity, 'error');
  const fixed = applyFix(script('256G'), fixTitled(warning[0], /block-size=8M/));
  assert.equal(fixed, script('256G', ',block-size=8M'));
  assert.deepEqual(withCode(lint(fixed, 'shell'), 'MS013'), []);
});

test('MS013 passes for 32 GiB of virtio-mem, and without a VFIO device', () => {
  assert.deepEqual(withCode(lint(script('32G'), 'shell'), 'MS013'), []);
  assert.deepEqual(withCode(lint(script('256G').replace(' \\\n  -device vfio-pci,host=0000:01:00.0,id=gpu0', ''), 'shell'), 'MS013'), []);
});

test('MS013 reads the simulator: at 10.2 the start-up case is an error and QEMU is refused at the VFIO device', () => {
  const linted = lint(script('256G'), 'shell', ['--qemu', '10.2']);
  const [machine] = linted.machines;
  assert.equal(machine.simulation.outcome, 'refused');
  assert.equal(machine.simulation.refusedBy, 'gpu0');
  const [found] = withCode(linted, 'MS013');
  assert.equal(found.severity, 'error');
  assert.equal(found.message, "vm0 needs up to 131072 VFIO DMA mappings in 2 MiB blocks, over the IOMMU's 65535: QEMU does not start");
  assert.match(String(found.data?.when), /at start-up/);
  assert.match(String(found.data?.consequence), /the VFIO device gpu0 fails to start, so QEMU does not start/);
  // ≤ 10.1: the same numbers, a warning, and QEMU starts.
  const old = lint(script('256G'), 'shell', ['--qemu', '10.1']);
  assert.equal(old.machines[0].simulation.outcome, 'starts');
  assert.equal(withCode(old, 'MS013')[0].severity, 'warning');
});

test('MS013 with dynamic-memslots=on at 10.2: a run-time error finding, QEMU still starts', () => {
  const linted = lint(script('256G', ',dynamic-memslots=on'), 'shell', ['--qemu', '10.2']);
  assert.equal(linted.machines[0].simulation.outcome, 'starts');
  const [found] = withCode(linted, 'MS013');
  assert.equal(found.severity, 'error');
  assert.match(found.message, /131072 VFIO DMA mappings .*: QEMU stops at run time$/);
  assert.match(String(found.data?.when), /once the guest plugs most of it/);
  assert.match(String(found.data?.consequence), /at run time QEMU stops with "vfio: DMA mapping failed, unable to continue"/);
});
