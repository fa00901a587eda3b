import type { DocumentText } from '../../model/document-text';
import type { BackendProgram, StartedBackend } from '../../model/machine';
import type { ShellScript, ShellWord, SimpleCommand } from './shell-words';

/**
 * Back-end daemons a script starts itself, next to the QEMU that connects to them: virtiofsd,
 * qemu-storage-daemon `--export type=vhost-user-blk`, QEMU's contrib vhost-user-* programs, SPDK's
 * `vhost`, `dpdk-testpmd --vdev net_vhost…`, OVS-DPDK vhost-user ports added with `ovs-vsctl`, and
 * rust-vmm's vhost-device-*. For each, the socket it serves, read from its own options; the limit
 * table (simulator/backend-daemon-limits.ts) says how many memslots the program offers. One pass over
 * the commands' words: linear in the script.
 */

/** Commands that run their arguments as another command (as for QEMU itself). */
const wrappers = new Set(['exec', 'sudo', 'doas', 'env', 'nice', 'ionice', 'taskset', 'numactl', 'chrt', 'nohup', 'setsid', 'timeout', 'stdbuf', 'runuser', 'systemd-run', 'unshare', 'nsenter']);
/** The OVS run directory where `dpdkvhostuser` ports get their socket (OVS's default `vhost-sock-dir`). */
const ovsRunDir = '/var/run/openvswitch';

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function programOf(name: string): BackendProgram | undefined {
  if (name === 'virtiofsd') return 'virtiofsd';
  if (name === 'qemu-storage-daemon') return 'qemu-storage-daemon';
  if (/^vhost-user-(blk|gpu|input|scsi|bridge)$/.test(name)) return 'qemu-vhost-user';
  if (name === 'vhost') return 'spdk-vhost';
  if (name === 'dpdk-testpmd' || name === 'testpmd') return 'dpdk-testpmd';
  if (name === 'ovs-vsctl') return 'ovs-dpdk';
  if (/^vhost-device-[a-z0-9-]+$/.test(name)) return 'vhost-device';
  return undefined;
}

/** The value of `--name=value`, `--name value` or `-x value` among the words, with the word it came from. */
function optionValue(words: ShellWord[], names: string[]): { value: string; word: ShellWord } | undefined {
  for (let i = 0; i < words.length; i++) {
    const text = words[i].text;
    for (const name of names) {
      if (text === name && i + 1 < words.length) return { value: words[i + 1].text, word: words[i + 1] };
      if (name.startsWith('--') && text.startsWith(`${name}=`)) return { value: text.slice(name.length + 1), word: words[i] };
    }
  }
  return undefined;
}

/** `key=value` pairs of a comma-separated option string (QemuOpts / DPDK devargs style). */
function pairs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

function fullyResolved(word: ShellWord): boolean {
  return word.unresolved.length === 0;
}

interface Found { socket: string; directory: boolean; word: ShellWord }

function socketsOf(program: BackendProgram, args: ShellWord[]): Found[] {
  switch (program) {
    case 'virtiofsd':
    case 'qemu-vhost-user':
    case 'vhost-device': {
      const found = optionValue(args, ['--socket-path', '-s', '--socket']);
      if (found) {
        // vhost-device-* with --socket-count N serve PATH0 … PATH(N−1).
        const count = Number(optionValue(args, ['--socket-count', '-c'])?.value ?? '1');
        return [{ socket: count > 1 ? `${found.value}*` : found.value, directory: false, word: found.word }];
      }
      // vhost-device-vsock: --vm guest-cid=3,socket=/tmp/vhost3.socket,uds-path=…
      const vm = optionValue(args, ['--vm']);
      const socket = vm ? pairs(vm.value).get('socket') : undefined;
      return vm && socket ? [{ socket, directory: false, word: vm.word }] : [];
    }
    case 'qemu-storage-daemon': {
      const out: Found[] = [];
      for (let i = 0; i < args.length; i++) {
        const text = args[i].text === '--export' ? args[i + 1]?.text : args[i].text.startsWith('--export=') ? args[i].text.slice('--export='.length) : undefined;
        const word = args[i].text === '--export' ? args[i + 1] : args[i];
        if (text === undefined || word === undefined) continue;
        const path = text.trimStart().startsWith('{') ? jsonExportPath(text) : exportPath(pairs(text));
        if (path) out.push({ socket: path, directory: false, word });
      }
      return out;
    }
    case 'spdk-vhost': {
      // Controllers created later over RPC get sockets <dir>/<name>.
      const found = optionValue(args, ['-S', '--vhost-socket-path']);
      return found ? [{ socket: found.value.replace(/\/+$/, ''), directory: true, word: found.word }] : [];
    }
    case 'dpdk-testpmd': {
      const out: Found[] = [];
      for (let i = 0; i < args.length; i++) {
        const text = args[i].text === '--vdev' ? args[i + 1]?.text : args[i].text.startsWith('--vdev=') ? args[i].text.slice('--vdev='.length) : undefined;
        const word = args[i].text === '--vdev' ? args[i + 1] : args[i];
        if (text === undefined || word === undefined || !text.startsWith('net_vhost')) continue;
        const iface = pairs(text).get('iface');
        if (iface) out.push({ socket: iface, directory: false, word });
      }
      return out;
    }
    case 'ovs-dpdk': {
      // ovs-vsctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser[client] [options:vhost-server-path=PATH]
      const type = args.find((word) => /^type=dpdkvhostuser(client)?$/.test(word.text));
      if (!type) return [];
      const server = args.find((word) => word.text.startsWith('options:vhost-server-path='));
      if (server) return [{ socket: server.text.slice('options:vhost-server-path='.length), directory: false, word: server }];
      const port = args.findIndex((word) => word.text === 'add-port');
      const name = port >= 0 ? args[port + 2] : undefined;
      return type.text === 'type=dpdkvhostuser' && name ? [{ socket: `${ovsRunDir}/${name.text}`, directory: false, word: name }] : [];
    }
  }
}

function exportPath(options: Map<string, string>): string | undefined {
  if (options.get('type') !== 'vhost-user-blk') return undefined;
  return options.get('addr.type') === 'unix' || options.has('addr.path') ? options.get('addr.path') : undefined;
}

function jsonExportPath(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { type?: unknown; addr?: { type?: unknown; path?: unknown } };
    return value.type === 'vhost-user-blk' && typeof value.addr?.path === 'string' ? value.addr.path : undefined;
  } catch {
    return undefined;
  }
}

function headOf(command: SimpleCommand): number {
  const words = command.words;
  let i = 0;
  while (i < words.length && words[i].assignment) i++;
  // Wrappers (sudo, taskset -c 2 …) take options; the program is the first word that is one.
  if (i < words.length && wrappers.has(basename(words[i].text))) {
    for (let j = i + 1; j < words.length; j++) if (programOf(basename(words[j].text))) return j;
    return -1;
  }
  return i < words.length && programOf(basename(words[i].text)) ? i : -1;
}

export function findBackendDaemons(script: ShellScript, lines: DocumentText): StartedBackend[] {
  const out: StartedBackend[] = [];
  for (const command of script.commands) {
    const head = headOf(command);
    if (head < 0) continue;
    const word = command.words[head];
    const program = programOf(basename(word.text));
    if (!program) continue;
    for (const found of socketsOf(program, command.words.slice(head + 1))) {
      if (!fullyResolved(found.word) || found.socket === '') continue;
      out.push({
        program,
        command: basename(word.text),
        socket: found.socket,
        directory: found.directory,
        range: lines.rangeOf(word.start, found.word.end),
      });
    }
  }
  return out;
}
