import type { ShellScript, ShellWord, SimpleCommand } from './shellWords';

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
const wrappers = new Set([
  'exec', 'sudo', 'doas', 'env', 'nice', 'ionice', 'taskset', 'numactl', 'chrt', 'nohup', 'setsid', 'timeout',
  'stdbuf', 'time', 'command', 'builtin', 'strace', 'ltrace', 'gdb', 'valgrind', 'perf', 'unshare', 'nsenter',
  'systemd-run', 'prlimit', 'runuser', 'catchsegv', 'ip', 'chroot', 'eatmydata', 'trickle', 'firejail',
]);
const reservedWords = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'time']);

const binaryPattern = /^qemu-system-([A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*?)(?:\.exe)?$/;

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The architecture a binary runs, or undefined when the word is no qemu-system binary. */
export function qemuBinaryArch(word: string): string | undefined {
  const name = basename(word);
  if (name === 'qemu-kvm') return 'x86_64';
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
  }
  return -1;
}

export function findInvocations(script: ShellScript, kind: 'shell' | 'args'): Invocation[] {
  const invocations: Invocation[] = [];
  for (const command of script.commands) {
    const index = headIndex(command.words);
    if (index < 0) continue;
    const head = command.words[index];
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
