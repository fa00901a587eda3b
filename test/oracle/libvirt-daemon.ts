import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accelerator } from './environment';

/**
 * A libvirt daemon the oracle can ask `virsh domxml-to-native qemu-argv`.
 *
 * A system daemon that already answers on /run/libvirt/libvirt-sock is reused and left alone.
 * Otherwise a private `libvirtd` runs as our child in its own mount namespace: its socket, state
 * (/run/libvirt), data (/var/lib/libvirt) and capability cache (/var/cache/libvirt) are bind-mounted
 * temporary directories, so it cannot collide with, or leave anything behind for, a system libvirt.
 * Its qemu.conf runs QEMU as root because on hosts whose /dev/kvm is root-only (this one) libvirt's
 * capability cache is never valid for the libvirt-qemu user (it probed with KVM, then finds KVM
 * unusable for that user) and every request re-probes QEMU forever. The private namespace also
 * gets hugetlbfs mounts for 2 MiB and 1 GiB pages, which exist only there.
 */

export interface LibvirtConnection {
  uri: string;
  /** 'system': a daemon someone else runs; 'private': ours, stopped by stop(). */
  origin: 'system' | 'private';
  /** `virsh version` output, for the log. */
  version: string;
  stop(): Promise<void>;
}

export interface NativeArgv {
  ok: boolean;
  /** The argv line virsh printed (environment, binary, options; shell-quoted). */
  stdout: string;
  /** libvirt's error, without virsh's "error: " prefixes. */
  error: string;
}

const SYSTEM_SOCKET = '/run/libvirt/libvirt-sock';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const VIRSH_TIMEOUT_MS = 30_000;

/** PATH plus the sbin directories, where libvirtd lives even when a user's PATH lacks them. */
const searchPath = [...(process.env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean), '/usr/sbin', '/sbin'];
const childEnv = { ...process.env, PATH: searchPath.join(':') };

function which(binary: string): string | undefined {
  return searchPath.map((dir) => join(dir, binary)).find((path) => existsSync(path));
}

/** Why libvirt cannot be used here, or undefined when it can. */
export function libvirtUnavailable(): string | undefined {
  for (const binary of ['virsh', 'libvirtd', 'unshare']) if (!which(binary)) return `${binary} is not installed`;
  if (process.getuid?.() !== 0 && !existsSync(SYSTEM_SOCKET)) return 'not root and no system libvirtd is running';
  return undefined;
}

function run(file: string, args: string[], timeout: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, maxBuffer: 16 * 1024 * 1024, env: childEnv }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

function virsh(uri: string, args: string[], timeout = VIRSH_TIMEOUT_MS) {
  return run('virsh', ['-q', '-c', uri, ...args], timeout);
}

async function waitFor(
  condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, alive: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    const dead = alive();
    if (dead) throw new Error(`${what}: ${dead}`);
    if (Date.now() > deadline) throw new Error(`${what}: timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A domain every libvirt with a QEMU driver converts; proves the daemon answers in time. */
const PROBE_DOMAIN = "<domain type='qemu'><name>memslot-probe</name><memory unit='MiB'>128</memory>"
  + "<os><type arch='x86_64'>hvm</type></os></domain>";

async function systemDaemon(): Promise<LibvirtConnection | undefined> {
  if (!existsSync(SYSTEM_SOCKET)) return undefined;
  const uri = 'qemu:///system';
  const answer = await virsh(uri, ['version'], 10_000);
  if (answer.code !== 0) {
    console.warn(`libvirt oracle: the system libvirtd does not answer \`virsh version\` (${answer.stderr.trim() || 'timed out'}); starting a private one`);
    return undefined;
  }
  const connection: LibvirtConnection = { uri, origin: 'system', version: answer.stdout.trim(), stop: async () => undefined };
  // A system daemon whose QEMU runs as libvirt-qemu on a host with a root-only /dev/kvm re-probes
  // QEMU on every request and never answers; a private daemon does not have that problem.
  const probe = await domxmlToNative(connection, PROBE_DOMAIN, 20_000);
  if (!probe.ok) {
    console.warn(`libvirt oracle: the system libvirtd does not convert a minimal domain (${probe.error}); starting a private one`);
    return undefined;
  }
  return connection;
}

/**
 * To run domains (not only convert them) in a container-like machine the private daemon also writes
 * QEMU's output to a file (no virtlogd), uses no cgroups or mount namespaces per domain and no
 * seccomp sandbox; none of that changes what QEMU is asked to do with memory.
 */
const runDomainsConf = ['stdio_handler = "file"', 'cgroup_controllers = [ ]', 'namespaces = [ ]', 'seccomp_sandbox = 0'];

function privateDaemon(runDomains = false): Promise<LibvirtConnection> {
  const root = mkdtempSync(join(tmpdir(), 'memslot-libvirtd-'));
  for (const dir of ['run', 'lib', 'cache', 'sock', 'hugepages2M', 'hugepages1G']) mkdirSync(join(root, dir));
  const socket = join(root, 'sock', 'libvirt-sock');
  writeFileSync(join(root, 'qemu.conf'), ['user = "root"', 'group = "root"', ...(runDomains ? runDomainsConf : [])].join('\n') + '\n');
  writeFileSync(join(root, 'libvirtd.conf'), [
    `unix_sock_dir = "${join(root, 'sock')}"`,
    'auth_unix_ro = "none"',
    'auth_unix_rw = "none"',
    'log_outputs = "3:stderr"',
  ].join('\n') + '\n');
  // `mount --make-rprivate /` keeps the bind mounts inside the new namespace; exec keeps one pid.
  const script = [
    'set -e',
    'mount --make-rprivate /',
    `mount --bind ${root}/run /run/libvirt`,
    `mount --bind ${root}/lib /var/lib/libvirt`,
    `mount --bind ${root}/cache /var/cache/libvirt`,
    `mount --bind ${root}/qemu.conf /etc/libvirt/qemu.conf`,
    // libvirt only needs a hugetlbfs mount per page size to build the argv (no pages are
    // reserved); private mounts let the hugepage domains of the corpus convert here too.
    `mount -t hugetlbfs -o pagesize=2M memslot-hp2M ${root}/hugepages2M || true`,
    `mount -t hugetlbfs -o pagesize=1G memslot-hp1G ${root}/hugepages1G || true`,
    `exec libvirtd --config ${root}/libvirtd.conf --pid-file ${root}/libvirtd.pid`,
  ].join('\n');
  for (const dir of ['/run/libvirt', '/var/lib/libvirt', '/var/cache/libvirt']) mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn('unshare', ['--mount', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `libvirtd exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      resolve();
    });
    child.on('error', (error) => { exited = `cannot start libvirtd: ${error.message}`; resolve(); });
  });
  // If the test process dies first, the daemon must not outlive it.
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, STOP_TIMEOUT_MS);
      await exitedPromise;
      clearTimeout(timer);
    }
    rmSync(root, { recursive: true, force: true });
  };

  const uri = `qemu:///system?socket=${socket}`;
  return (async () => {
    try {
      await waitFor(() => existsSync(socket), START_TIMEOUT_MS, 'waiting for the libvirtd socket', () => exited);
      const answer = await virsh(uri, ['version'], START_TIMEOUT_MS);
      if (answer.code !== 0) throw new Error(`virsh version failed: ${answer.stderr.trim()}`);
      return { uri, origin: 'private' as const, version: answer.stdout.trim(), stop };
    } catch (error) {
      await stop();
      throw error;
    }
  })();
}

/** Reuses a running system libvirtd, or starts a private one. */
export async function connectLibvirt(): Promise<LibvirtConnection> {
  return (await systemDaemon()) ?? privateDaemon();
}

/** A private libvirtd that can start domains here (their QEMU as root, TCG when there is no KVM). */
export function libvirtForDomains(): Promise<LibvirtConnection> {
  return privateDaemon(true);
}

/** `virsh ARGS` on the connection: whether it succeeded, and libvirt's error without virsh's "error: " prefixes. */
export async function virshCommand(
  connection: LibvirtConnection, args: string[], timeout = VIRSH_TIMEOUT_MS): Promise<{ ok: boolean; error: string }> {
  const result = await virsh(connection.uri, args, timeout);
  const error = result.stderr.split('\n').map((line) => line.replace(/^error: /, '').trim()).filter(Boolean).join(' ');
  return { ok: result.code === 0, error };
}

/** `virsh domxml-to-native qemu-argv` for a domain XML text. */
/**
 * Without /dev/kvm libvirt refuses every `type='kvm'` domain before it builds an argv ("does not
 * support virt type 'kvm'") and a host CPU model under TCG; converted as a TCG domain with the
 * `maximum` CPU the argv differs only in -accel and -cpu, which the oracle does not compare.
 */
export function asTcgDomain(xml: string): string {
  return xml
    .replace(/<domain(\s[^>]*?)\btype=(['"])kvm\2/, '<domain$1type=$2qemu$2')
    // TCG has no host CPU to pass through; the CPU model does not change the memory argv.
    .replace(/(<cpu\s[^>]*?\bmode=)(['"])host-(?:passthrough|model)\2/, '$1$2maximum$2');
}

export async function domxmlToNative(connection: LibvirtConnection, xml: string, timeout = VIRSH_TIMEOUT_MS): Promise<NativeArgv> {
  const dir = mkdtempSync(join(tmpdir(), 'memslot-domxml-'));
  try {
    const file = join(dir, 'domain.xml');
    writeFileSync(file, accelerator() === 'kvm' ? xml : asTcgDomain(xml));
    const result = await virsh(connection.uri, ['domxml-to-native', 'qemu-argv', file], timeout);
    const error = result.stderr.split('\n').map((line) => line.replace(/^error: /, '').trim()).filter(Boolean).join(' ');
    return { ok: result.code === 0, stdout: result.stdout.trim(), error };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
