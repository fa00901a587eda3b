import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers';

/** The CLI reads a -readconfig file next to the script (its folder or below), never elsewhere. */
test('CLI: -readconfig next to the script is read; one outside its folder is reported as ignored (MS907)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memslot-readconfig-'));
  try {
    const vm = join(root, 'vm');
    mkdirSync(join(vm, 'conf'), { recursive: true });
    // 3 DIMMs, 2 slots: QEMU refuses the third (MS006) only if the file's [memory] is read.
    writeFileSync(join(vm, 'conf', 'vm.cfg'), '[memory]\n  size = "1G"\n  slots = "2"\n  maxmem = "8G"\n');
    writeFileSync(join(root, 'outside.cfg'), '[memory]\n  size = "1G"\n  slots = "2"\n  maxmem = "8G"\n');
    const dimms = [0, 1, 2].map((i) => `-object memory-backend-ram,id=m${i},size=1G -device pc-dimm,id=d${i},memdev=m${i}`).join(' ');
    writeFileSync(join(vm, 'inside.sh'), `qemu-system-x86_64 -M q35 -readconfig conf/vm.cfg ${dimms}\n`);
    writeFileSync(join(vm, 'outside.sh'), `qemu-system-x86_64 -M q35 -readconfig ../outside.cfg ${dimms}\n`);
    const inside = await runCli(['--format', 'json', join(vm, 'inside.sh')]);
    const codes = (run: typeof inside): string[] => JSON.parse(run.stdout).files[0].machines[0].findings.map(
      (f: { code: string }) => f.code);
    assert.deepEqual(codes(inside), ['MS006']);
    assert.equal(JSON.parse(inside.stdout).files[0].machines[0].simulation.error, 'no free slots available');
    const outside = await runCli(['--format', 'json', join(vm, 'outside.sh')]);
    const findings = JSON.parse(outside.stdout).files[0].machines[0].findings as Array<{ code: string; message: string }>;
    assert.equal(findings.find((f) => f.code === 'MS907')?.message, '-readconfig ../outside.cfg is not read (not in the folder of the file): the verdict ignores what it sets');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('CLI: a FIFO or a device named by -readconfig is not read (reading would block), and says so', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memslot-readconfig-fifo-'));
  try {
    execFileSync('mkfifo', [join(root, 'fifo.cfg')]);
    symlinkSync('/dev/zero', join(root, 'zero.cfg'));
    writeFileSync(join(root, 'vm.sh'), 'qemu-system-x86_64 -m 1G -readconfig fifo.cfg -readconfig zero.cfg\n');
    // runCli waits for the process: before, it never ended (the read of the FIFO blocked).
    const run = await runCli(['--format', 'json', join(root, 'vm.sh')]);
    const findings = JSON.parse(run.stdout).files[0].machines[0].findings as Array<{ code: string; message: string }>;
    assert.deepEqual(findings.filter((f) => f.code === 'MS907').map((f) => f.message), [
      '-readconfig fifo.cfg is not read (not a regular file): the verdict ignores what it sets',
      // /dev/zero is outside the folder of the file: refused before it is opened.
      '-readconfig zero.cfg is not read (not in the folder of the file): the verdict ignores what it sets',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
