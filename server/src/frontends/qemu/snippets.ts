import { basename, qemuBinaryArch, wrappers } from './invocations';

/**
 * Command lines copied from documentation, bug reports and tool logs carry text that is no part of
 * the command: shell prompts (`$ `, `host# `, `user@host:~$ `, `[root@host ~]# `) and log lines
 * that end in the command they ran (`... forklimits ... -- qemu-system-x86_64 ...`). This blanks
 * that text out with spaces, so every offset (and so every range) stays that of the document.
 */
export interface SnippetOptions {
  /**
   * The document is no shell script (no `.sh`, no shebang, not a shell editor): a line starting
   * with `# ` followed by a QEMU command is a root prompt, not a comment.
   */
  rootPrompts: boolean;
}

/** An optional `(venv) ` and `user@host:dir`, `[user@host dir]` or `host` before `$` or `#`. */
const promptPattern = /^([ \t]*)((?:\([^)\n]{0,64}\)[ \t]*)?(?:\[[^\]\n]{0,128}\]|[\w.-]{1,64}@[\w.-]{1,128}(?::[^\s]{0,256})?|[\w.-]{1,64}(?::[^\s]{0,256})?)?([$#])[ \t]+)(?=\S)/;
const logPrefixPattern = /(?:^|[ \t])--[ \t]+(?=\S)/g;

/** The line after a prompt starts a command memslot reads: a QEMU binary, a wrapper, or an assignment. */
function startsQemuCommand(rest: string): boolean {
  const first = /^\S+/.exec(rest)?.[0] ?? '';
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) return true;
  return qemuBinaryArch(first) !== undefined || wrappers.has(basename(first));
}

/** Length of the prompt or log prefix at the start of one line that is not a continuation; 0 if none. */
function prefixLength(line: string, options: SnippetOptions): number {
  const prompt = promptPattern.exec(line);
  if (prompt) {
    const bareHash = prompt[3] === '#' && prompt[2].trimEnd() === '#';
    const rest = line.slice(prompt[0].length);
    if ((!bareHash || options.rootPrompts) && startsQemuCommand(rest)) return prompt[0].length;
  }
  // A log line ending in the command it ran: cut up to the binary after ` -- `.
  for (const match of line.matchAll(logPrefixPattern)) {
    const after = (match.index ?? 0) + match[0].length;
    const word = /^\S+/.exec(line.slice(after))?.[0] ?? '';
    if (qemuBinaryArch(word) !== undefined) return after;
  }
  return 0;
}

export function blankSnippetPrefixes(text: string, options: SnippetOptions): string {
  const pieces: string[] = [];
  let copied = 0;
  let lineStart = 0;
  let continued = false;
  for (;;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    const cut = continued ? 0 : prefixLength(line, options);
    if (cut > 0) {
      pieces.push(text.slice(copied, lineStart), ' '.repeat(cut));
      copied = lineStart + cut;
    }
    continued = /\\\r?$/.test(line);
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  if (copied === 0) return text;
  pieces.push(text.slice(copied));
  return pieces.join('');
}
