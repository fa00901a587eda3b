import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuDocument } from '../../server/src/frontends/qemu/index';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, type Simulation } from '../../server/src/simulator/index';

/**
 * VFIO's DMA mapping check (docs/facts/memslots.md#vfio-dma-mappings): mappings (section size / block size, summed over registered
 * sections) + KVM's memslot limit − sections must be ≤ 65535. Numbers by hand:
 * 256 GiB / 2 MiB = 131072 mappings: 131072 + 32764 − 1 = 163835 > 65535.
 * 256 GiB / 8 MiB = 32768: 32768 + 32764 − 1 = 65531 ≤ 65535.
 * Boundary at 2 MiB: 32772 blocks (65544 MiB) give exactly 65535 (fits); 32773 (65546 MiB) give 65536.
 * Without KVM the check assumes 512 memslots: 131072 + 512 − 1 = 131583 > 65535.
 */
const verbatim = (memslots: number): string =>
  `vfio_ram_discard_register_listener: possibly running out of DMA mappings. E.g., try increasing the 'block-size' of virtio-mem devies. Maximum possible DMA mappings: 65535, Maximum possible memslots: ${memslots}`;

interface Options { size?: string; extra?: string; accel?: string; vfioFirst?: boolean; maxmem?: string }

function run(qemu: string, options: Options = {}): Simulation {
  const { size = '256G', extra = '', accel = '-accel kvm', vfioFirst = false, maxmem = '260G' } = options;
  const vfio = '-device vfio-pci,host=0000:01:00.0,id=gpu0';
  const mem = `-device virtio-mem-pci,id=vm0,memdev=m0${extra}`;
  const devices = vfioFirst ? `${vfio} ${mem}` : `${mem} ${vfio}`;
  const text = `qemu-system-x86_64 ${accel} -M q35 -cpu ${accel.includes('tcg') ? 'max' : 'host'} -m 4G,maxmem=${maxmem} -object memory-backend-memfd,id=m0,size=${size} ${devices}\n`;
  const model = parseQemuDocument(text, 'shell').machines[0];
  const cli = parseProfileOptions(['--qemu', qemu]);
  assert.deepEqual(cli.errors, []);
  return simulate(model, applyProfileOptions(defaultHostProfile(), cli.overrides, 'cli'));
}

test('QEMU ≤ 10.1: the start-up check fails with a warning on the VFIO device and QEMU starts', () => {
  const simulation = run('10.1');
  assert.equal(simulation.outcome, 'starts');
  assert.equal(simulation.vfioDma.length, 1);
  const [check] = simulation.vfioDma;
  assert.deepEqual(
    { when: check.when, mappings: check.mappings, sections: check.sections, maxMemslots: check.maxMemslots, exceeded: check.exceeded,
      fatal: check.fatal, refused: check.refused },
    { when: 'startup', mappings: 131072, sections: 1, maxMemslots: 32764, exceeded: true, fatal: false, refused: false },
  );
  const event = simulation.events.find((e) => e.id === 'gpu0');
  // As other realize warnings: recorded on the step, which still succeeds.
  assert.equal(event?.result, 'ok');
  assert.deepEqual(event?.warnings, [verbatim(32764)]);
});

test('QEMU 10.2: the VFIO device fails to realize at start-up, with the "Region %s: " prefix', () => {
  const simulation = run('10.2');
  assert.equal(simulation.outcome, 'refused');
  assert.equal(simulation.refusedBy, 'gpu0');
  assert.equal(simulation.refusal?.option, '-device');
  assert.equal(simulation.error, `Region m0: ${verbatim(32764)}`);
  assert.equal(simulation.vfioDma[0].refused, true);
});

test('QEMU 10.2: 8 MiB blocks fit (65531 ≤ 65535); the 2 MiB boundary is 32772 blocks', () => {
  for (const [size, extra, exceeded] of [['256G', ',block-size=8M', false], ['65544M', '', false], ['65546M', '', true]] as const) {
    const simulation = run('10.2', { size, extra });
    assert.equal(simulation.vfioDma[0].exceeded, exceeded, `${size}${extra}`);
    assert.equal(simulation.outcome, exceeded ? 'refused' : 'starts', `${size}${extra}`);
  }
});

test('without KVM the check assumes 512 memslots', () => {
  const simulation = run('10.1', { accel: '-accel tcg' });
  assert.equal(simulation.vfioDma[0].maxMemslots, 512);
  assert.equal(simulation.vfioDma[0].exceeded, true);
  assert.deepEqual(simulation.events.find((e) => e.id === 'gpu0')?.warnings, [verbatim(512)]);
});

test('dynamic-memslots=on: nothing is mapped at start-up, so 10.2 starts; the run-time check is recorded', () => {
  const simulation = run('10.2', { extra: ',dynamic-memslots=on' });
  assert.equal(simulation.outcome, 'starts');
  assert.equal(simulation.vfioDma.length, 1);
  const [check] = simulation.vfioDma;
  const device = simulation.memoryDevices[0];
  assert.equal(check.when, 'runtime');
  assert.equal(check.mappings, 131072);
  assert.equal(check.sections, device.memslots);
  assert.equal(check.exceeded, true);
  assert.equal(check.refused, false);
});

test('QEMU 10.2, virtio-mem plugged after the VFIO device: QEMU stops at the virtio-mem plug', () => {
  const simulation = run('10.2', { vfioFirst: true });
  assert.equal(simulation.outcome, 'refused');
  assert.equal(simulation.refusedBy, 'vm0');
  assert.equal(simulation.error, 'vfio: DMA mapping failed, unable to continue');
});

test('no VFIO device: no check', () => {
  const text = 'qemu-system-x86_64 -accel kvm -M q35 -cpu host -m 4G,maxmem=260G -object memory-backend-memfd,id=m0,size=256G -device virtio-mem-pci,id=vm0,memdev=m0\n';
  const simulation = simulate(parseQemuDocument(text, 'shell').machines[0], defaultHostProfile());
  assert.deepEqual(simulation.vfioDma, []);
  assert.equal(simulation.outcome, 'starts');
});
