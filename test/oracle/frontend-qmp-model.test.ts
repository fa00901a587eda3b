import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import type { MachineModel } from '../../server/src/model/machine';
import { QmpClient } from './qmp';
import { qemuBinary, qemuVersion } from './qemu-runner';
import { accelerator, reportMissingQemu, shellQuote } from './environment';

/**
 * The model against QEMU's own view of the same command line: QEMU is started paused with QMP
 * on a unix socket, and every value the model holds for memory (RAM size, slots, maxmem; each
 * backend's size and share, written or the type's default; mem-path; each memory device's
 * memdev, requested-size, block-size, dynamic-memslots, address and node; NUMA node sizes) is
 * compared with what QEMU reports through query-memdev, qom-get and info numa. This proves the
 * front end reads what QEMU reads, down to units, escapes, defaults and which repeat wins.
 */

interface Case {
  name: string;
  /** Options after the common ones; `{dir}` is replaced by a fresh directory. */
  argv: string[];
  /** Values that must have been compared at least once, so a case cannot pass by comparing nothing. */
  expectChecks: string[];
}

const dimmRam = ['-m', '1G,slots=4,maxmem=16G'];

const cases: Case[] = [
  { name: '-m 4096 (MiB)', argv: ['-m', '4096'], expectChecks: ['memory.size', 'base-memory'] },
  { name: '-m with fraction and hex maxmem', argv: ['-m', '1.5G,slots=4,maxmem=0x200000000'], expectChecks: ['memory.size', 'memory.slots', 'memory.maxmem'] },
  { name: 'repeated -m merge, last wins', argv: ['-m', '1G,maxmem=4G', '-m', '2G,slots=3'], expectChecks: ['memory.size', 'memory.slots', 'memory.maxmem'] },
  {
    name: 'RAM backends: fractional, hex and short-form booleans',
    argv: ['-object', 'memory-backend-ram,id=r0,size=1.1k', '-object', 'memory-backend-ram,id=r1,size=0x100000,share=on',
      '-object', 'memory-backend-ram,id=r2,size=1M,noshare', '-object', 'memory-backend-ram,id=r3,size=1M,share=y',
      '-object', 'memory-backend-ram,id=r4,size=2M,share'],
    expectChecks: ['backend r0 size', 'backend r1 share', 'backend r2 share', 'backend r3 share', 'backend r4 share'],
  },
  {
    name: 'share defaults of memfd, shm and file backends; escaped mem-path',
    argv: ['-object', 'memory-backend-memfd,id=f0,size=2M', '-object', 'memory-backend-memfd,id=f1,size=2M,share=off',
      '-object', 'memory-backend-shm,id=s0,size=2M', '-object', 'memory-backend-file,id=fi,size=2M,mem-path={dir}/a,,b'],
    expectChecks: ['backend f0 share', 'backend f1 share', 'backend s0 share', 'backend fi share', 'backend fi mem-path'],
  },
  {
    name: 'JSON backend with typed values',
    argv: ['-object', '{"qom-type":"memory-backend-ram","id":"j0","size":1048576,"share":true,"prealloc":false,"reserve":false}'],
    expectChecks: ['backend j0 size', 'backend j0 share', 'backend j0 prealloc', 'backend j0 reserve'],
  },
  { name: 'QemuOpts: the first id= names the object', argv: ['-object', 'memory-backend-ram,id=r,size=1M,id=s'], expectChecks: ['backend r size'] },
  {
    name: '-machine memory-backend merged with a later -machine',
    argv: ['-object', 'memory-backend-ram,id=mem,size=1G', '-m', '1G', '-machine', 'memory-backend=mem', '-machine', 'pc'],
    expectChecks: ['machine memory-backend', 'backend mem size', 'memory.size'],
  },
  {
    name: 'virtio-mem in QemuOpts',
    argv: [...dimmRam, '-object', 'memory-backend-ram,id=vmem0,size=2G',
      '-device', 'virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=512M,block-size=4M,dynamic-memslots=on,memaddr=0x140000000'],
    expectChecks: ['vm0 requested-size', 'vm0 block-size', 'vm0 dynamic-memslots', 'vm0 memaddr', 'vm0 memdev'],
  },
  {
    name: 'virtio-mem in JSON after a QemuOpts one',
    argv: [...dimmRam, '-object', 'memory-backend-ram,id=vmem0,size=1G', '-object', 'memory-backend-memfd,id=vmem1,size=1G',
      '-device', 'virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=0x8000000',
      '-device', '{"driver":"virtio-mem-pci","id":"vm1","memdev":"vmem1","requested-size":0,"block-size":2097152,"dynamic-memslots":false}'],
    expectChecks: ['vm0 requested-size', 'vm1 requested-size', 'vm1 block-size', 'vm1 dynamic-memslots', 'backend vmem1 share'],
  },
  {
    name: 'pc-dimm with a hex address',
    argv: [...dimmRam, '-object', 'memory-backend-file,id=d0,size=128M,mem-path={dir}/dimm,share=on', '-device', 'pc-dimm,id=dimm0,memdev=d0,addr=0x140000000'],
    expectChecks: ['dimm0 addr', 'dimm0 memdev', 'backend d0 size', 'backend d0 share', 'plugged-memory'],
  },
  {
    name: 'legacy -numa node,mem= in MiB (decimal and hex)',
    argv: ['-machine', 'pc-i440fx-5.0', '-m', '2G', '-numa', 'node,mem=1536', '-numa', 'node,mem=0x200'],
    expectChecks: ['numa node 0 size', 'numa node 1 size'],
  },
  {
    name: 'NUMA memdev nodes and a virtio-mem on node 1',
    argv: [...dimmRam, '-object', 'memory-backend-ram,id=n0,size=512M', '-object', 'memory-backend-ram,id=n1,size=512M',
      '-numa', 'node,nodeid=0,memdev=n0', '-numa', 'node,nodeid=1,memdev=n1',
      '-object', 'memory-backend-ram,id=vmem0,size=1G', '-device', 'virtio-mem-pci,id=vm0,memdev=vmem0,node=1,requested-size=256M'],
    expectChecks: ['vm0 node', 'backend n0 size', 'backend n1 size', 'numa node 0 size', 'numa node 1 size'],
  },
];

type Run = (command: string, args?: Record<string, unknown>) => Promise<unknown>;

/** Starts QEMU paused with QMP, hands the QMP session to `body`, and always kills QEMU. */
async function withQemu(binary: string, argv: string[], workDir: string, body: (run: Run) => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000;
  const left = () => Math.max(1, deadline - Date.now());
  const socket = join(workDir, 'qmp.sock');
  const child = spawn(binary, [...argv, '-qmp', `unix:${socket},server=on,wait=off`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => { if (stderr.length < 65536) stderr += chunk; });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => { exited = true; resolve(); });
    child.once('error', (error) => { exited = true; stderr += String(error); resolve(); });
  });
  let client: QmpClient | undefined;
  try {
    // Wait for the condition (QMP answers), polling; QEMU exiting first is a failure.
    while (!client) {
      if (exited) throw new Error(`QEMU exited before QMP was up:\n${stderr}`);
      if (Date.now() >= deadline) throw new Error(`QMP did not come up within 30 s:\n${stderr}`);
      if (existsSync(socket)) {
        client = await QmpClient.open(socket, left()).then((opened) => opened.client, () => undefined);
      }
      if (!client) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exit, new Promise((resolve) => { timer = setTimeout(resolve, 20); })]).finally(() => clearTimeout(timer));
      }
    }
    const session = client;
    const run: Run = async (command, args) => {
      const reply = await session.execute(command, args, left());
      if (reply.error) throw new Error(`${command} ${JSON.stringify(args ?? {})}: ${reply.error.desc}`);
      return reply.return;
    };
    await run('qmp_capabilities');
    await body(run);
    await session.execute('quit', undefined, Math.min(left(), 5000)).catch(() => undefined);
    // A bound, not a pause: this returns as soon as QEMU has exited.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exit, new Promise((resolve) => { timer = setTimeout(resolve, 5000); })]).finally(() => clearTimeout(timer));
  } finally {
    client?.close();
    // After a failure (or a QEMU that ignored quit) nothing is gained by waiting.
    if (!exited) child.kill('SIGKILL');
    await exit;
  }
}

interface Memdev { id: string; size: number; share: boolean; prealloc: boolean; reserve?: boolean }

/** Compares every memory value the model holds with QEMU's; returns the names of the values compared. */
async function compare(model: MachineModel, run: Run): Promise<string[]> {
  const checked: string[] = [];
  const same = (name: string, ours: unknown, qemus: unknown): void => {
    assert.deepEqual(ours, qemus, `${name}: model ${JSON.stringify(ours)}, QEMU ${JSON.stringify(qemus)}`);
    checked.push(name);
  };

  const memory = await run('qom-get', { path: '/machine', property: 'memory' }) as { size: number; slots: number; 'max-size': number };
  if (model.memory.size) same('memory.size', model.memory.size.value, memory.size);
  if (model.memory.slots) same('memory.slots', model.memory.slots.value, memory.slots);
  if (model.memory.maxmem) same('memory.maxmem', model.memory.maxmem.value, memory['max-size']);
  const summary = await run('query-memory-size-summary') as { 'base-memory': number; 'plugged-memory'?: number };
  if (model.memory.size) same('base-memory', model.memory.size.value, summary['base-memory']);

  if (model.machine.memoryBackend) {
    same('machine memory-backend', `/objects/${model.machine.memoryBackend.value}`, await run('qom-get', { path: '/machine', property: 'memory-backend' }));
  }

  const memdevs = await run('query-memdev') as Memdev[];
  for (const backend of model.backends) {
    const id = backend.id?.value;
    const qemu = memdevs.find((m) => m.id === id);
    assert.ok(qemu, `QEMU has no memory backend '${id}' (it has ${memdevs.map((m) => m.id).join(', ')})`);
    if (backend.size) same(`backend ${id} size`, backend.size.value, qemu.size);
    // Written or the type's default: both must be QEMU's.
    same(`backend ${id} share`, backend.share.value, qemu.share);
    if (backend.prealloc) same(`backend ${id} prealloc`, backend.prealloc.value, qemu.prealloc);
    if (backend.reserve) same(`backend ${id} reserve`, backend.reserve.value, qemu.reserve);
    if (backend.memPath) same(`backend ${id} mem-path`, backend.memPath.value, await run('qom-get', { path: `/objects/${id}`, property: 'mem-path' }));
  }

  let plugged = 0;
  for (const device of model.devices) {
    if (device.kind !== 'memory-device' || !device.id) continue;
    const id = device.id.value;
    const path = `/machine/peripheral/${id}`;
    const get = (property: string) => run('qom-get', { path, property });
    if (device.memdev) same(`${id} memdev`, `/objects/${device.memdev.value}`, await get('memdev'));
    if (device.requestedSize) same(`${id} requested-size`, device.requestedSize.value, await get('requested-size'));
    if (device.blockSize) same(`${id} block-size`, device.blockSize.value, await get('block-size'));
    if (device.dynamicMemslots) same(`${id} dynamic-memslots`, device.dynamicMemslots.value, await get('dynamic-memslots'));
    if (device.node) same(`${id} node`, device.node.value, await get('node'));
    if (device.memaddr) same(`${id} ${device.memoryKind === 'pc-dimm' ? 'addr' : 'memaddr'}`, device.memaddr.value, await get(device.memoryKind === 'pc-dimm' ? 'addr' : 'memaddr'));
    if (device.memoryKind === 'pc-dimm') plugged += model.backends.find((b) => b.id?.value === device.memdev?.value)?.size?.value ?? Number.NaN;
  }
  if (plugged > 0) same('plugged-memory', plugged, summary['plugged-memory']);

  if (model.numaNodes.length > 0) {
    const info = await run('human-monitor-command', { 'command-line': 'info numa' }) as string;
    model.numaNodes.forEach((node, index) => {
      const nodeId = node.nodeId?.value ?? index;
      const line = new RegExp(`^node ${nodeId} size: (\\d+) MB`, 'm').exec(info);
      assert.ok(line, `info numa has no size for node ${nodeId}:\n${info}`);
      const size = node.mem?.value ?? model.backends.find((b) => b.id?.value === node.memdev?.value)?.size?.value;
      same(`numa node ${nodeId} size`, size, Number(line[1]) * 1024 * 1024);
    });
  }
  return checked;
}




const binary = qemuBinary();
const version = qemuVersion(binary);

test('model vs QEMU: at least 10 command lines', () => assert.ok(cases.length >= 10));

if (!version) {
  reportMissingQemu('model vs QEMU', binary, `${cases.length} comparisons of the model with QEMU's QMP view`);
} else {
  const common = ['-S', '-nodefaults', '-display', 'none', '-accel', accelerator()];
  test(`model vs QEMU's QMP view (${version})`, { timeout: 300_000 }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'memslot-frontend-qmp-'));
    try {
      for (const [index, c] of cases.entries()) {
        await t.test(c.name, async () => {
          const workDir = mkdtempSync(join(root, `case${index}-`));
          const argv = [...common, ...c.argv.map((word) => word.replaceAll('{dir}', workDir))];
          const result = parseQemuDocument([binary, ...argv].map(shellQuote).join(' '), 'shell');
          assert.equal(result.machines.length, 1);
          const model = result.machines[0];
          assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
          let checked: string[] = [];
          await withQemu(binary, argv, workDir, async (run) => { checked = await compare(model, run); });
          for (const name of c.expectChecks) assert.ok(checked.includes(name), `'${name}' was not compared (compared: ${checked.join(', ')})`);
        });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
