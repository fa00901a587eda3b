import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQemuDocument } from '../../server/src/frontends/qemu';
import type { MachineModel } from '../../server/src/model/machine';
import { qemuBinary, qemuVersion, runQemu, type QemuObservation } from './qemu-runner';
import { accelerator, reportMissingQemu, shellQuote } from './environment';

/**
 * The QEMU front end against real QEMU, option by option: for each tricky or malformed command
 * line, QEMU either starts (paused) or refuses it while parsing; the front end must agree:
 * - QEMU refuses: the front end reports an MS9xx error whose message contains QEMU's own message
 *   (the one QEMU printed in this run, not a copy kept here);
 * - QEMU starts: the front end reports no MS9xx error;
 * - where QEMU refuses for a reason beyond the front end (maxmem below the RAM size, NUMA sizes
 *   that do not add up), it prints the numbers it parsed, and the model must hold the same numbers.
 * What each line does in QEMU is written down too (`qemu`), from QEMU's documentation and
 * source, so a harness failure cannot pass for a refusal.
 */

interface Case {
  name: string;
  /** Options after the common ones; `{dir}` is replaced by a fresh directory. */
  argv: string[];
  qemu: 'starts' | 'refuses';
  /** QEMU's refusal is not a parse error: the front end stays silent and `values` checks the model. */
  frontEnd?: 'silent';
  /** Checks of the model against QEMU's view: its message, or what it left on disk. */
  values?: (model: MachineModel, context: { message: string; dir: string }) => void;
}

/** The hexadecimal numbers in a QEMU message, in order (QEMU prints sizes as 0x...). */
function hexes(message: string): number[] {
  return [...message.matchAll(/0x([0-9a-f]+)/gi)].map((m) => parseInt(m[1], 16));
}

function sumOfNumaMem(model: MachineModel): number {
  return model.numaNodes.reduce((sum, node) => sum + (node.mem?.value ?? Number.NaN), 0);
}

const backend1G = ['-object', 'memory-backend-ram,id=r,size=1G'];
const hotplug = ['-m', '1G,slots=2,maxmem=8G'];

const cases: Case[] = [
  { name: 'bad size suffix in -m', argv: ['-m', '4X'], qemu: 'refuses' },
  { name: 'bad size suffix in -m maxmem', argv: ['-m', '1G,slots=1,maxmem=1Q'], qemu: 'refuses' },
  { name: 'bad size suffix in -object size=', argv: ['-object', 'memory-backend-ram,id=r,size=1Q'], qemu: 'refuses' },
  { name: "two-letter suffix ('kB') in -object size=", argv: ['-object', 'memory-backend-ram,id=r,size=1kB'], qemu: 'refuses' },
  { name: 'negative -object size=', argv: ['-object', 'memory-backend-ram,id=r,size=-1'], qemu: 'refuses' },
  {
    name: 'maxmem=8192 is 8192 bytes, not MiB',
    argv: ['-m', '1G,slots=2,maxmem=8192'],
    qemu: 'refuses',
    frontEnd: 'silent',
    values: (model, { message }) => {
      // "maximum memory size (0x2000) must be at least the initial memory size (0x40000000)"
      const [maxmem, size] = hexes(message);
      assert.equal(model.memory.maxmem?.value, maxmem);
      assert.equal(model.memory.size?.value, size);
    },
  },
  {
    name: '-m 4096 is 4 GiB (a number without suffix is MiB)',
    argv: ['-m', '4096,slots=1,maxmem=4095M'],
    qemu: 'refuses',
    frontEnd: 'silent',
    values: (model, { message }) => {
      const [maxmem, size] = hexes(message);
      assert.equal(model.memory.size?.value, size);
      assert.equal(model.memory.maxmem?.value, maxmem);
    },
  },
  {
    name: 'the last -m wins, and -m options merge',
    argv: ['-m', '4G,slots=2,maxmem=8G', '-m', '16G'],
    qemu: 'refuses',
    frontEnd: 'silent',
    values: (model, { message }) => {
      const [maxmem, size] = hexes(message);
      assert.equal(model.memory.size?.value, size);
      assert.equal(model.memory.maxmem?.value, maxmem);
      assert.equal(model.memory.slots?.value, 2);
    },
  },
  {
    name: 'hex sizes: maxmem=0x3fffffff',
    argv: ['-m', '1G,slots=1,maxmem=0x3fffffff'],
    qemu: 'refuses',
    frontEnd: 'silent',
    values: (model, { message }) => {
      const [maxmem, size] = hexes(message);
      assert.equal(model.memory.maxmem?.value, maxmem);
      assert.equal(model.memory.size?.value, size);
    },
  },
  { name: 'hex size with a suffix (0x4G)', argv: ['-object', 'memory-backend-ram,id=r,size=0x4G'], qemu: 'refuses' },
  { name: 'hex -m without suffix (becomes 0x100M)', argv: ['-m', '0x100'], qemu: 'refuses' },
  { name: 'hex -object size', argv: ['-object', 'memory-backend-ram,id=r,size=0x100000'], qemu: 'starts' },
  {
    name: 'fractional sizes: -m 1.5G',
    argv: ['-m', '1.5G,slots=1,maxmem=1G'],
    qemu: 'refuses',
    frontEnd: 'silent',
    values: (model, { message }) => {
      const [maxmem, size] = hexes(message);
      assert.equal(model.memory.size?.value, size);
      assert.equal(model.memory.maxmem?.value, maxmem);
    },
  },
  { name: 'fraction without suffix in -m (1.5)', argv: ['-m', '1.5'], qemu: 'refuses' },
  { name: 'fraction without suffix in -object size=', argv: ['-object', 'memory-backend-ram,id=r,size=1.5'], qemu: 'refuses' },
  { name: 'fraction of bytes is cut off (1.1k)', argv: ['-object', 'memory-backend-ram,id=r,size=1.1k'], qemu: 'starts' },
  { name: 'JSON: size as a string', argv: ['-object', '{"qom-type":"memory-backend-ram","id":"r","size":"1G"}'], qemu: 'refuses' },
  { name: 'JSON: boolean as a string', argv: ['-object', '{"qom-type":"memory-backend-ram","id":"r","size":1048576,"share":"on"}'], qemu: 'refuses' },
  { name: 'JSON: duplicate key', argv: ['-object', '{"qom-type":"memory-backend-ram","id":"r","id":"s","size":1048576}'], qemu: 'refuses' },
  { name: 'JSON: text after the object', argv: ['-device', '{"driver":"virtio-rng-pci"} x'], qemu: 'refuses' },
  { name: 'JSON: premature end', argv: ['-device', '{"driver":"virtio-rng-pci"'], qemu: 'refuses' },
  { name: 'JSON: bare word', argv: ['-device', '{"driver":virtio}'], qemu: 'refuses' },
  { name: 'JSON: trailing comma', argv: ['-device', '{"driver":"virtio-rng-pci",}'], qemu: 'refuses' },
  { name: 'JSON: size as a string in -device', argv: [...hotplug, ...backend1G, '-device', '{"driver":"virtio-mem-pci","memdev":"r","requested-size":"1G"}'], qemu: 'refuses' },
  { name: 'JSON: -device dynamic-memslots as a string', argv: [...hotplug, ...backend1G, '-device', '{"driver":"virtio-mem-pci","memdev":"r","dynamic-memslots":"on"}'], qemu: 'refuses' },
  { name: 'missing id on -object', argv: ['-object', 'memory-backend-ram,size=1G'], qemu: 'refuses' },
  { name: 'missing id on JSON -object', argv: ['-object', '{"qom-type":"memory-backend-ram","size":1048576}'], qemu: 'refuses' },
  { name: 'missing id on -netdev', argv: ['-netdev', 'user'], qemu: 'refuses' },
  { name: 'missing id on -chardev', argv: ['-chardev', 'socket,path=/nonexistent/x'], qemu: 'refuses' },
  { name: 'missing type on -object', argv: ['-object', 'id=x'], qemu: 'refuses' },
  { name: 'missing driver on -device', argv: ['-device', 'id=x'], qemu: 'refuses' },
  { name: 'empty parameter name', argv: ['-object', 'memory-backend-ram,id=r,size=1G,=x'], qemu: 'refuses' },
  {
    name: "',,' escapes a comma in a mem-path",
    argv: ['-object', 'memory-backend-file,id=r,size=1M,mem-path={dir}/a,,b'],
    qemu: 'starts',
    values: (model, { dir }) => {
      // QEMU created the backing file under the unescaped name.
      assert.ok(existsSync(join(dir, 'a,b')), 'QEMU did not create a,b');
      assert.equal(model.backends[0]?.memPath?.value, join(dir, 'a,b'));
    },
  },
  {
    name: "short-form booleans in -object: 'share' and 'noshare' (deprecated, accepted)",
    argv: ['-object', 'memory-backend-ram,id=r0,size=1M,share', '-object', 'memory-backend-ram,id=r1,size=1M,noshare'],
    qemu: 'starts',
    values: (model) => {
      assert.deepEqual(model.backends.map((b) => b.share.value), [true, false]);
    },
  },
  { name: "short-form boolean in keyval -machine ('nvdimm')", argv: ['-machine', 'pc,nvdimm'], qemu: 'refuses' },
  { name: "short-form 'slots' in -m is not a number", argv: ['-m', '1G,slots'], qemu: 'refuses' },
  { name: 'bad number in -m slots', argv: ['-m', '1G,slots=x'], qemu: 'refuses' },
  { name: "short-form 'maxmem' in -m is not a size", argv: ['-m', '1G,slots=1,maxmem'], qemu: 'refuses' },
  { name: "short-form 'size' in -object is not a size", argv: ['-object', 'memory-backend-ram,id=r,size'], qemu: 'refuses' },
  { name: "short-form 'requested-size' in -device is not a size", argv: [...hotplug, ...backend1G, '-device', 'virtio-mem-pci,memdev=r,requested-size'], qemu: 'refuses' },
  { name: 'JSON: missing colon', argv: ['-device', '{"driver" "virtio-rng-pci"}'], qemu: 'refuses' },
  { name: 'JSON: missing comma', argv: ['-device', '{"driver":"virtio-rng-pci" "id":"x"}'], qemu: 'refuses' },
  { name: 'JSON: bad escape', argv: ['-device', '{"driver":"virtio\\q"}'], qemu: 'refuses' },
  { name: 'bad boolean in -object', argv: ['-object', 'memory-backend-ram,id=r,size=1G,share=maybe'], qemu: 'refuses' },
  { name: 'yes/y booleans', argv: ['-object', 'memory-backend-ram,id=r0,size=1M,share=yes', '-object', 'memory-backend-ram,id=r1,size=1M,share=y'], qemu: 'starts' },
  { name: 'bad boolean in -device', argv: [...hotplug, ...backend1G, '-device', 'virtio-mem-pci,memdev=r,dynamic-memslots=maybe'], qemu: 'refuses' },
  { name: 'bad size in -device', argv: [...hotplug, ...backend1G, '-device', 'virtio-mem-pci,memdev=r,requested-size=1Q'], qemu: 'refuses' },
  { name: 'bad integer in -device', argv: [...hotplug, ...backend1G, '-device', 'pc-dimm,memdev=r,node=x'], qemu: 'refuses' },
  {
    name: '-numa node,mem= without suffix is MiB (hex too)',
    argv: ['-machine', 'pc-i440fx-5.0', '-m', '2G', '-numa', 'node,mem=1024', '-numa', 'node,mem=0x400'],
    qemu: 'starts',
    values: (model) => assert.equal(sumOfNumaMem(model), model.memory.size?.value),
  },
  {
    name: '-numa node,mem= sizes that do not add up',
    argv: ['-machine', 'pc-i440fx-5.0', '-m', '2G', '-numa', 'node,mem=1024', '-numa', 'node,mem=1'],
    qemu: 'refuses',
    frontEnd: 'silent',
    values: (model, { message }) => {
      // "total memory for NUMA nodes (0x40100000) should equal RAM size (0x80000000)"
      const [total, ram] = hexes(message);
      assert.equal(sumOfNumaMem(model), total);
      assert.equal(model.memory.size?.value, ram);
    },
  },
  { name: '-numa node,mem=1.5 (fraction without suffix)', argv: ['-machine', 'pc-i440fx-5.0', '-m', '2G', '-numa', 'node,mem=1.5'], qemu: 'refuses' },
  {
    name: '-machine keyval merges across repeats',
    argv: ['-object', 'memory-backend-ram,id=mem,size=1G', '-m', '1G', '-machine', 'memory-backend=mem', '-machine', 'pc'],
    qemu: 'starts',
    values: (model) => {
      assert.equal(model.machine.memoryBackend?.value, 'mem');
      assert.equal(model.machine.type?.value, 'pc');
    },
  },
  {
    name: '-machine memory-backend from an earlier -machine still applies',
    argv: ['-object', 'memory-backend-ram,id=mem,size=1G', '-m', '2G', '-machine', 'memory-backend=mem', '-machine', 'pc'],
    qemu: 'refuses',
    frontEnd: 'silent',
    values: (model) => assert.equal(model.machine.memoryBackend?.value, 'mem'),
  },
  {
    name: 'a JSON -device after QemuOpts ones',
    argv: ['-m', '1G,slots=2,maxmem=4G', '-object', 'memory-backend-ram,id=m0,size=128M', '-object', 'memory-backend-ram,id=m1,size=128M',
      '-device', 'pc-dimm,id=d0,memdev=m0', '-device', '{"driver":"pc-dimm","id":"d1","memdev":"m1"}'],
    qemu: 'starts',
    values: (model) => assert.deepEqual(model.devices.map((d) => d.id?.value), ['d0', 'd1']),
  },
  {
    name: 'a JSON -device reusing a QemuOpts -device id',
    argv: ['-m', '1G,slots=2,maxmem=4G', '-object', 'memory-backend-ram,id=m0,size=128M', '-object', 'memory-backend-ram,id=m1,size=128M',
      '-device', 'pc-dimm,id=d0,memdev=m0', '-device', '{"driver":"pc-dimm","id":"d0","memdev":"m1"}'],
    qemu: 'refuses',
  },
  { name: 'two QemuOpts -object with one id', argv: [...backend1G, ...backend1G], qemu: 'refuses' },
  { name: 'QemuOpts and JSON -object with one id', argv: [...backend1G, '-object', '{"qom-type":"memory-backend-ram","id":"r","size":1048576}'], qemu: 'refuses' },
  { name: 'two -netdev with one id', argv: ['-netdev', 'user,id=n', '-netdev', 'user,id=n'], qemu: 'refuses' },
  {
    name: 'QemuOpts: the first id= counts',
    argv: ['-object', 'memory-backend-ram,id=r,size=1M,id=s', '-numa', 'node,memdev=r', '-m', '1M'],
    qemu: 'starts',
    values: (model) => assert.equal(model.backends[0]?.id?.value, 'r'),
  },
];




const binary = qemuBinary();
const version = qemuVersion(binary);

test('front-end differential: at least 20 cases', () => assert.ok(cases.length >= 20));

if (!version) {
  reportMissingQemu('front-end differential', binary, `${cases.length} comparisons with real QEMU`);
} else {
  const common = ['-S', '-nodefaults', '-display', 'none', '-accel', accelerator()];
  test(`front end vs real QEMU (${version}): messages and values`, { concurrency: 2, timeout: 300_000 }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'memslot-frontend-'));
    try {
      for (const [index, c] of cases.entries()) {
        await t.test(c.name, async () => {
          const workDir = mkdtempSync(join(root, `case${index}-`));
          const argv = [...common, ...c.argv.map((word) => word.replaceAll('{dir}', workDir))];
          const observed: QemuObservation = await runQemu({ argv, workDir, binary, timeoutMs: 30_000 });
          assert.deepEqual(observed.harnessErrors, [], 'harness problems');
          const qemuDid = observed.started ? 'starts' : 'refuses';
          const qemuMessage = observed.error?.message ?? '';
          assert.equal(qemuDid, c.qemu, `QEMU ${qemuDid}${qemuMessage ? `: ${qemuMessage}` : ''}\n${observed.stderr}`);

          const text = [binary, ...argv].map(shellQuote).join(' ');
          const result = parseQemuDocument(text, 'shell');
          assert.equal(result.machines.length, 1, text);
          const model = result.machines[0];
          const errors = model.diagnostics.filter((d) => d.severity === 'error' && /^MS9/.test(d.code));
          if (c.qemu === 'starts' || c.frontEnd === 'silent') {
            assert.deepEqual(errors.map((e) => `${e.code} ${e.message}`), [], `QEMU ${qemuDid}${qemuMessage ? ` (${qemuMessage})` : ''}; the front end must not report an error`);
          } else {
            assert.ok(qemuMessage !== '', `QEMU refused without a message:\n${observed.stderr}`);
            assert.ok(errors.some((e) => e.message.includes(qemuMessage)),
              `QEMU says: ${qemuMessage}\nthe front end says:\n${errors.map((e) => `  ${e.code} ${e.message}`).join('\n') || '  (nothing)'}`);
          }
          c.values?.(model, { message: qemuMessage, dir: workDir });
        });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
