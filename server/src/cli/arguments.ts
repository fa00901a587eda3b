import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Severity } from '../model/findings';
import { packageVersion } from '../package-version';
import {
  applyProfileOptions, defaultHostProfile, PROFILE_VALUE_FLAGS, readProfileOption, type HostProfile, type ProfileOverrides,
} from '../simulator';

/** The CLI's arguments: node's parseArgs splits them, memslot's own checks judge the values. */

export const usage = `Usage: memslot [--format text|json|sarif] [--hotplug PLAN]... [host profile options] FILE|DIR...

Tells whether QEMU command lines (shell scripts, QEMU argument files) and libvirt domain XML
will run out of KVM/vhost memory slots or be refused by QEMU, and why.
Directories are searched for *.sh, *.bash, *.qemu, *.qemuargs, *.args and libvirt *.xml.

Options:
  --format text|json|sarif     output format (default: text)
  --fail-on LEVEL              exit 1 on findings of LEVEL or above: error, warning,
                               information or hint (default: error); none: report only
  --hotplug PLAN               what-if: send PLAN's commands (QMP lines, HMP lines or libvirt
                               device XML) to each VM once it has started; repeatable, in order
  --timeout-ms N               time budget of each file's analysis (default: 10000); a file past
                               it is reported as not analysed (MS910) and the exit status is 2;
                               0: no budget
  -h, --help                   show this help
  --version                    show the version

Host profile (what the command line cannot say about the host):
  --qemu VERSION               QEMU version, e.g. 10.0 (default: 10.0)
  --qemu-flavor upstream|rhel  rhel: dynamic-memslots defaults to on
  --kvm-memslots N             KVM memslots per address space (default: 32764)
  --smm on|off                 whether SMM adds a second KVM address space (default: on)
  --vhost-max-mem-regions N    vhost-kernel max_mem_regions (default: 64)
  --vhost-user SOCKET=N        memslot limit of the vhost-user backend on SOCKET (a path, glob or
                               chardev id; N may be nocfg for a backend without
                               CONFIGURE_MEM_SLOTS, i.e. 8); repeatable
  --vhost-user-unknown N|nocfg memslot limit assumed for a vhost-user backend that no
                               --vhost-user names (default: 509); such backends are still
                               reported (MS012) where the verdict depends on their limit
  --host-cpu-vendor amd|intel  the host CPU's vendor (KVM gives it to every CPU model; AMD
                               moves RAM above 1 TiB); default unknown, reported (MS016)
                               where the verdict depends on it
  --host-phys-bits N           the host CPU's physical address bits (-cpu host/max,
                               host-phys-bits=on); default unknown, reported (MS016)

A '# memslot: ...' (or '<!-- memslot: ... -->') directive in a file sets its host profile and
takes precedence over these options.

Exit status: 0 no findings at or above --fail-on, 1 such findings, 2 usage or I/O error or a
file not analysed in time.
`;

export type Format = 'text' | 'json' | 'sarif';

/**
 * Ten seconds, not the editor's two: nobody waits at a keyboard, and a loaded CI runner must not
 * turn an ordinary large file into a failure; a file that hangs memslot still ends the run.
 */
export const defaultTimeoutMs = 10_000;
/** The longest timer node keeps (about 24.8 days). */
const maxTimeoutMs = 2 ** 31 - 1;

/** Most severe first: `--fail-on X` fails on X and everything before it. */
export const severityOrder: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export interface CliOptions {
  format: Format;
  /** 'none' reports without failing, for a first look at a tree or a report-only CI step. */
  failOn: Severity | 'none';
  /** `--hotplug` plan files, in the order given. */
  plans: string[];
  /** `--timeout-ms`: the watchdog's budget per file; 0: none. */
  timeoutMs: number;
  paths: string[];
  profile: HostProfile;
}

export type ParseOutcome = { kind: 'run'; options: CliOptions } | { kind: 'exit'; code: number; stdout?: string; stderr?: string };

/**
 * Every flag the CLI knows. parseArgs runs with `strict: false` and we read its tokens in order: strict mode's
 * own errors would replace the documented messages, and it refuses a value that starts with '-'
 * (`--kvm-memslots -1` must say that -1 is not a whole number, as it always has).
 */
const cliFlags: NonNullable<ParseArgsConfig['options']> = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  hotplug: { type: 'string', multiple: true },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  ...Object.fromEntries(PROFILE_VALUE_FLAGS.map((flag) => [flag.slice(2), { type: 'string', multiple: true }])),
};

/**
 * Reads `args` (without node and the script). Precedence of errors, unchanged from the hand-written parser:
 * a `--hotplug` without a plan, then every bad profile value, then the first of --help, --version, a bad
 * --format or --fail-on and an unknown option, then a missing FILE or DIR.
 */
export function parseCliArguments(args: string[]): ParseOutcome {
  const { tokens } = parseArgs({ args, options: cliFlags, strict: false, allowPositionals: true, tokens: true });
  const options: Omit<CliOptions, 'profile'> = { format: 'text', failOn: 'error', plans: [], timeoutMs: defaultTimeoutMs, paths: [] };
  const overrides: ProfileOverrides = { origins: {} };
  const profileErrors: string[] = [];
  let hotplugError: string | undefined;
  let first: ParseOutcome | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional') options.paths.push(token.value);
    if (token.kind !== 'option') continue;
    const arg = args[token.index] ?? token.rawName;
    // parseArgs splits '-hx' into -h and -x; the old parser, and so the contract, calls the whole word unknown.
    const whole = token.rawName.startsWith('--') ? arg === token.rawName || arg.startsWith(`${token.rawName}=`) : arg === token.rawName;
    const name = whole && Object.hasOwn(cliFlags, token.name) && !(cliFlags[token.name]?.type === 'boolean' && token.inlineValue)
      ? token.name : undefined;
    const value = token.value;
    switch (name) {
      case 'help':
        first ??= { kind: 'exit', code: 0, stdout: usage };
        break;
      case 'version':
        first ??= { kind: 'exit', code: 0, stdout: `${packageVersion()}\n` };
        break;
      case 'format':
        if (value === 'text' || value === 'json' || value === 'sarif') options.format = value;
        else first ??= usageError(`--format must be text, json or sarif${value === undefined ? '' : `, not '${value}'`}`);
        break;
      case 'fail-on': {
        const level = value === 'none' ? 'none' : severityOrder.find((severity) => severity === value);
        if (level !== undefined) options.failOn = level;
        else first ??= usageError(`--fail-on must be error, warning, information, hint or none${value === undefined ? '' : `, not '${value}'`}`);
        break;
      }
      case 'timeout-ms':
        if (value !== undefined && /^\d{1,10}$/.test(value) && Number(value) <= maxTimeoutMs) options.timeoutMs = Number(value);
        else first ??= usageError(`--timeout-ms must be a whole number of milliseconds${value === undefined ? '' : `, not '${value}'`}`);
        break;
      case 'hotplug':
        if (value === undefined || value === '') hotplugError ??= '--hotplug needs a plan file (QMP, HMP or libvirt device XML)';
        else options.plans.push(value);
        break;
      case undefined:
        first ??= usageError(`unknown option '${arg}'`);
        break;
      default:
        readProfileOption(`--${name}`, value, overrides, profileErrors);
    }
  }
  if (hotplugError !== undefined) return usageError(hotplugError);
  if (profileErrors.length) return usageError(profileErrors.join('\n'));
  if (first) return first;
  if (options.paths.length === 0) return usageError('no FILE or DIR given');
  return { kind: 'run', options: { ...options, profile: applyProfileOptions(defaultHostProfile(), overrides, 'cli') } };
}

function usageError(message: string): ParseOutcome {
  return { kind: 'exit', code: 2, stderr: `memslot: ${message}\nTry 'memslot --help' for more information.\n` };
}
