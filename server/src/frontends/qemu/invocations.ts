import type { ShellScript, ShellWord, SimpleCommand } from './shell-words';

/** One qemu-system command: its binary word (absent for a bare argument file) and its arguments. */
export interface Invocation {
  command: SimpleCommand;
  head?: ShellWord;
  /** The binary as expanded (`/usr/bin/qemu-system-x86_64`), when known. */
  binary?: string;
  args: ShellWord[];
  arch: string;
}

/** Commands that run their arguments as another command. */
export const wrappers: ReadonlySet<string> = new Set([
  'exec', 'sudo', 'doas', 'env', 'nice', 'ionice', 'taskset', 'numactl', 'chrt', 'nohup', 'setsid', 'timeout',
  'stdbuf', 'time', 'command', 'builtin', 'strace', 'ltrace', 'gdb', 'valgrind', 'perf', 'unshare', 'nsenter',
  'systemd-run', 'prlimit', 'runuser', 'catchsegv', 'ip', 'chroot', 'eatmydata', 'trickle', 'firejail',
]);
const reservedWords = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'time']);
/**
 * Commands that only name the binary as an argument (a process to kill, a package to install, a
 * path to look up): a wrapper in front of them does not make the binary a command.
 */
const mentioningCommands = new Set([
  'pkill', 'pgrep', 'killall', 'pidof', 'apt', 'apt-get', 'aptitude', 'apt-cache', 'dnf', 'yum', 'zypper', 'pacman', 'dpkg',
  'rpm', 'snap', 'brew', 'which', 'whereis', 'type', 'man', 'grep', 'egrep', 'echo', 'printf', 'ps', 'ls', 'file', 'ldd',
  'readlink', 'realpath', 'stat', 'cat', 'chmod', 'chown', 'cp', 'mv', 'rm', 'ln', 'install', 'setcap', 'getcap', 'hash',
  'update-alternatives', 'systemctl', 'journalctl', 'test', '[', 'ldconfig', 'strings', 'md5sum', 'sha256sum',
  'modprobe', 'rmmod', 'insmod', 'lsmod', 'usermod', 'gpasswd', 'groupadd', 'adduser', 'addgroup', 'chgrp', 'setfacl', 'kvm-ok',
]);
/** Options after which QEMU prints something and exits without starting a machine. */
const informationalOptions = new Set(['version', 'help', 'h', 'dump-vmstate']);

/**
 * `qemu-system-<arch>` for the targets QEMU builds (a package such as `qemu-system-x86` or
 * `qemu-system-misc` is no binary), `qemu-kvm` (RHEL), and `kvm`: Debian's wrapper script and
 * Proxmox VE's binary both run qemu-system-x86_64 with KVM.
 */
const binaryPattern = /^qemu-system-(aarch64|alpha|arm|avr|cris|hppa|i386|loongarch64|m68k|microblazeel|microblaze|mips64el|mips64|mipsel|mips|nios2|or1k|ppc64|ppc|riscv32|riscv64|rx|s390x|sh4eb|sh4|sparc64|sparc|tricore|x86_64|xtensaeb|xtensa)(?:\.exe)?$/;

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The architecture a binary runs, or undefined when the word is no qemu-system binary. */
export function qemuBinaryArch(word: string): string | undefined {
  const name = basename(word);
  if (name === 'qemu-kvm') return 'x86_64';
  // Not /dev/kvm or a group name: only `kvm` alone or from a bin directory.
  if (name === 'kvm' && (word === 'kvm' || /\/s?bin\/kvm$/.test(word))) return 'x86_64';
  return binaryPattern.exec(name)?.[1];
}

/** `$QEMU` from the environment: an unresolved variable whose name says it is the binary. */
function isQemuVariable(word: ShellWord): boolean {
  return word.unresolved.length === 1 && word.unresolved[0].from === 0 && word.unresolved[0].to === word.text.length
    && /qemu/i.test(word.unresolved[0].name ?? '');
}

function headIndex(words: ShellWord[]): number {
  let i = 0;
  while (i < words.length && (words[i].assignment || reservedWords.has(words[i].text))) i++;
  if (i >= words.length) return -1;
  if (qemuBinaryArch(words[i].text) !== undefined || isQemuVariable(words[i])) return i;
  if (!wrappers.has(basename(words[i].text))) return -1;
  for (let j = i + 1; j < words.length; j++) {
    if (qemuBinaryArch(words[j].text) !== undefined) return j;
    if (mentioningCommands.has(basename(words[j].text))) return -1;
    // `command -v qemu-system-x86_64` looks the binary up.
    if (words[j - 1].text === 'command' && /^-[vV]$/.test(words[j].text)) return -1;
  }
  return -1;
}

/** `qemu-system-x86_64 --version`, `-device help`, `-machine ?`: QEMU answers and exits. */
function onlyAsksQemu(args: ShellWord[]): boolean {
  return args.some((word, index) => {
    const option = /^--?([a-z-]+)$/.exec(word.text)?.[1];
    if (option !== undefined && informationalOptions.has(option)) return true;
    const previous = args[index - 1]?.text ?? '';
    return previous.startsWith('-') && /(^|,)(help|\?)$/.test(word.text);
  });
}

export function findInvocations(script: ShellScript, kind: 'shell' | 'args'): Invocation[] {
  const invocations: Invocation[] = [];
  for (const command of script.commands) {
    // A function's body is analysed at its calls, with their arguments; a body never called on its own.
    if (command.inFunction !== undefined && script.calledFunctions.has(command.inFunction)) continue;
    const index = headIndex(command.words);
    if (index < 0) continue;
    const head = command.words[index];
    if (onlyAsksQemu(command.words.slice(index + 1))) continue;
    const arch = qemuBinaryArch(head.text);
    const invocation: Invocation = { command, head, args: command.words.slice(index + 1), arch: arch ?? 'x86_64' };
    if (arch !== undefined) invocation.binary = head.text;
    invocations.push(invocation);
  }
  if (invocations.length === 0 && kind === 'args') {
    // A bare argument file: every word is an option or its argument.
    const args: ShellWord[] = [];
    for (const command of script.commands) {
      const firstCommandWord = command.words.findIndex((word) => !word.assignment);
      if (firstCommandWord >= 0) args.push(...command.words.slice(firstCommandWord));
    }
    if (args.length > 0) {
      invocations.push({ command: { words: args, start: args[0].start, end: args[args.length - 1].end }, args, arch: 'x86_64' });
    }
  }
  return invocations;
}
