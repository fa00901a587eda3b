import type { Finding } from '../../model/findings';
import { frontendCodes } from '../../model/codes';
import type { DocumentText } from '../../model/document-text';
import { takesArgument } from './option-table';
import type { ShellWord } from './shell-words';

/** One option of an invocation: `-name [argument]`, or a positional word (a disk image). */
export interface QemuOption {
  /** Without leading dashes (`device`); '' for a positional word. */
  name: string;
  flag: ShellWord;
  arg?: ShellWord;
  /** Position among the invocation's options, 0-based. */
  order: number;
  start: number;
  end: number;
}

export function splitOptions(args: ShellWord[], lines: DocumentText, findings: Finding[]): QemuOption[] {
  const options: QemuOption[] = [];
  let i = 0;
  while (i < args.length) {
    const flag = args[i];
    const order = options.length;
    const match = /^--?([^-].*)$/s.exec(flag.text);
    if (!match) {
      options.push({ name: '', flag, order, start: flag.start, end: flag.end });
      i++;
      continue;
    }
    const name = match[1];
    // QEMU accepts `--name` as `-name`. An option we do not know takes the next word unless that looks like an option.
    const hasArgument = takesArgument(name) ?? (i + 1 < args.length && !args[i + 1].text.startsWith('-'));
    if (!hasArgument) {
      options.push({ name, flag, order, start: flag.start, end: flag.end });
      i++;
      continue;
    }
    const arg = args[i + 1];
    if (arg === undefined) {
      const { code, defaultSeverity: severity } = frontendCodes.syntax;
      findings.push({ code, severity, message: `option '${flag.text}' requires an argument`, range: lines.rangeOf(flag.start, flag.end) });
      options.push({ name, flag, order, start: flag.start, end: flag.end });
      i++;
      continue;
    }
    options.push({ name, flag, arg, order, start: flag.start, end: arg.end });
    i += 2;
  }
  return options;
}
