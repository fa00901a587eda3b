// Simulator time against model size: N memory devices plus N vhost devices, N = 10 … 10 000.
// Run: node bench/run.mjs   (bundles this file with esbuild, then runs it)
import { performance } from 'node:perf_hooks';
import { emptyMachine, makeRange, type Device, type Located, type MachineModel } from '../server/src/model';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate } from '../server/src/simulator';

const GiB = 1024 ** 3;
const range = makeRange(0, 0, 0, 1);
const w = <T>(value: T): Located<T> => ({ value, range, origin: 'written' });

/**
 * N virtio-mem devices (1 GiB each, dynamic-memslots=off: one mapped memslot each) and N vhost
 * devices: half vhost-user-fs `-device`s (509-slot back-end), half `tap,vhost=on` netdevs
 * (vhost-kernel with max_mem_regions 65535, so every device fits and the whole model is simulated).
 */
export function benchModel(n: number): MachineModel {
  const model = emptyMachine('qemu', range, range);
  model.machine.type = w('q35');
  model.accelerators.push(w('kvm'));
  model.cpu.model = w('host');
  model.memory.size = w(4 * GiB);
  model.memory.maxmem = w(4 * GiB + (n + 1) * GiB);
  let order = 0;
  for (let i = 0; i < n; i++) {
    model.backends.push({
      kind: 'memory-backend', range, order: order++, syntax: 'qemuopts', properties: [], id: w(`m${i}`),
      type: w('memory-backend-ram'), size: w(GiB), share: w(false),
    });
    const memory: Device = {
      kind: 'memory-device', memoryKind: 'virtio-mem', driver: w('virtio-mem-pci'), range, order: order++,
      syntax: i % 2 === 0 ? 'qemuopts' : 'json', properties: [], id: w(`vm${i}`), memdev: w(`m${i}`), requestedSize: w(0),
    };
    model.devices.push(memory);
  }
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      model.chardevs.push({ kind: 'chardev', range, order: order++, syntax: 'qemuopts', properties: [], id: w(`c${i}`), backend: w('socket'), path: w(`/run/vu/${i}.sock`) });
      model.devices.push({
        kind: 'vhost-device', driver: w('vhost-user-fs-pci'), backend: 'vhost-user', range, order: order++, syntax: 'qemuopts',
        properties: [], id: w(`fs${i}`), chardev: w(`c${i}`),
      });
    } else {
      model.netdevs.push({
        kind: 'netdev', option: 'netdev', range, order: order++, syntax: 'qemuopts', properties: [], id: w(`n${i}`),
        type: w('tap'), vhost: 'vhost-kernel', vhostOn: w(true),
      });
    }
  }
  return model;
}

const profile = applyProfileOptions(
  defaultHostProfile(),
  parseProfileOptions(['--vhost-user', '/run/vu/*.sock=509', '--vhost-max-mem-regions', '65535']).overrides,
  'cli',
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Wall time of one simulate() call: warm up for 0.5 s, then time single calls for at least 1.5 s
 * (and at least 5 calls). GC pauses during a call are part of its time, as they are for a user.
 */
function measure(n: number): { median: number; mean: number; outcome: string; events: number } {
  const model = benchModel(n);
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) simulate(model, profile);
  const times: number[] = [];
  let outcome = '';
  let events = 0;
  const until = performance.now() + 1500;
  while (times.length < 5 || performance.now() < until) {
    const start = performance.now();
    const sim = simulate(model, profile);
    times.push(performance.now() - start);
    outcome = sim.outcome;
    events = sim.events.length;
  }
  return { median: median(times), mean: times.reduce((a, b) => a + b, 0) / times.length, outcome, events };
}

const rows: string[] = [];
rows.push('| N memory devices | + N vhost devices | events | outcome | median ms | mean ms | µs per device (median) | × previous (median) |');
rows.push('| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
let previous: number | null = null;
for (const n of [10, 100, 1000, 10000]) {
  // Keeps `node bench/run.mjs` bounded: a size 10× the previous costs at least 10× its time, so
  // once a call takes more than 200 ms the next size is reported as skipped instead of run.
  if (previous !== null && previous > 200) {
    rows.push(`| ${n} | ${n} | – | skipped: N = ${n / 10} already took ${previous.toFixed(0)} ms per call | – | – | – | – |`);
    continue;
  }
  const { median: ms, mean, outcome, events } = measure(n);
  const perDevice = (ms * 1000) / (2 * n);
  rows.push(`| ${n} | ${n} | ${events} | ${outcome} | ${ms.toFixed(3)} | ${mean.toFixed(3)} | ${perDevice.toFixed(2)} | ${previous === null ? '–' : (ms / previous).toFixed(1)} |`);
  previous = ms;
}
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log(rows.join('\n'));
