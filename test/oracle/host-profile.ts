import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { runQemu } from './qemu-runner';

/**
 * What the simulator's host profile must say so that it describes *this* host: KVM's memslot
 * limit per address space, whether KVM offers SMM (then q35/pc get a second KVM address space),
 * and a `-cpu` model that starts under KVM here (some nested hosts refuse
 * `-cpu host` as is).
 */
export interface HostFacts {
  kvm: boolean;
  kvmMemslots: number;
  smm: boolean;
  /** `-cpu` value for KVM scenarios; undefined when no candidate starts. */
  cpu?: string;
  /** How each fact was learned, for the test log. */
  notes: string[];
}

interface ProbeOutput {
  usable: boolean;
  memslots: number;
  addressSpaces: number;
  smm: boolean;
}

function kvmOpens(): boolean {
  try {
    closeSync(openSync('/dev/kvm', 'r+'));
    return true;
  } catch {
    return false;
  }
}

/** Builds and runs test/oracle/kvm-probe.c when a C compiler is present. */
function runKvmProbe(workDir: string): ProbeOutput | undefined {
  const source = resolve(process.cwd(), 'test/oracle/kvm-probe.c');
  if (!existsSync(source)) return undefined;
  const exe = join(workDir, 'kvm-probe');
  const built = spawnSync('cc', ['-O2', '-o', exe, source], { encoding: 'utf8', timeout: 60_000 });
  if (built.status !== 0) return undefined;
  const ran = spawnSync(exe, [], { encoding: 'utf8', timeout: 10_000 });
  try {
    return JSON.parse(ran.stdout) as ProbeOutput;
  } catch {
    return undefined;
  }
}

/** KVM_CAP_NR_MEMSLOTS on x86 by kernel version (docs/facts/memslots.md#kvm-limit): 509 before 5.12, 32764 since. */
function memslotsByKernelRelease(): number {
  const match = /^(\d+)\.(\d+)/.exec(release());
  if (!match) return 32764;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 5 || (major === 5 && minor >= 12) ? 32764 : 509;
}

export async function probeHost(workDir: string): Promise<HostFacts> {
  mkdirSync(workDir, { recursive: true });
  const notes: string[] = [];
  const kvm = kvmOpens();
  if (!kvm) return { kvm, kvmMemslots: 0, smm: false, notes: ['/dev/kvm cannot be opened'] };

  const probe = runKvmProbe(workDir);
  let kvmMemslots: number;
  let smm: boolean | undefined;
  if (probe?.usable) {
    kvmMemslots = probe.memslots > 0 ? probe.memslots : 32;
    smm = probe.smm;
    notes.push(`kvm-probe.c: KVM_CAP_NR_MEMSLOTS=${probe.memslots} KVM_CAP_MULTI_ADDRESS_SPACE=${probe.addressSpaces} KVM_CAP_X86_SMM=${probe.smm}`);
  } else {
    kvmMemslots = memslotsByKernelRelease();
    notes.push(`no C compiler or probe failed: KVM memslots ${kvmMemslots} assumed from kernel ${release()}`);
  }

  // The CPU model, and SMM as QEMU sees it: a q35 machine gets KVM address space 1 only with SMM.
  let cpu: string | undefined;
  for (const candidate of ['host', 'host,-arch-capabilities']) {
    const dir = join(workDir, `cpu-${candidate.replace(/[^a-z]/g, '')}`);
    mkdirSync(dir, { recursive: true });
    const run = await runQemu({
      argv: ['-accel', 'kvm', '-cpu', candidate, '-nodefaults', '-display', 'none', '-S', '-M', 'q35', '-m', '256M'],
      workDir: dir,
      timeoutMs: 20_000,
    });
    if (!run.started) {
      notes.push(`-cpu ${candidate} does not start here: ${run.stderr.trim().split('\n')[0] ?? ''}`);
      continue;
    }
    cpu = candidate;
    const qemuSmm = (run.kvmSlots[1] ?? 0) > 0;
    if (smm === undefined) smm = qemuSmm;
    else if (smm !== qemuSmm) notes.push(`KVM_CAP_X86_SMM=${smm} but QEMU ${qemuSmm ? 'uses' : 'does not use'} the SMM address space; following QEMU`);
    smm = qemuSmm;
    break;
  }
  return { kvm, kvmMemslots, smm: smm ?? false, ...(cpu === undefined ? {} : { cpu }), notes };
}
