import { dirname } from 'node:path';
import { configFileReader } from './config-files';
import { allFindings, type DocumentAnalysis } from './analysis';
import { collectInputs } from './cli/inputs';
import { analyzeVm, extractHotplugArgs, readPlanFiles } from './cli/hotplug';
import { formatJson } from './cli/report-json';
import { formatSarif } from './cli/report-sarif';
import { formatText } from './cli/report-text';
import type { Severity } from './model/findings';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, type HostProfile } from './simulator';
import { packageVersion } from './package-version';

/** CLI wiring only: arguments in, the core's analysis out in the chosen format, an exit code. */

/** Where the CLI writes: the process's streams when run as a program, buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const usage = `Usage: memslot [--format text|json|sarif] [--hotplug PLAN]... [host profile options] FILE|DIR...

Tells whether QEMU command lines (shell scripts, QEMU argument files) and libvirt domain XML
will run out of KVM/vhost memory slots or be refused by QEMU, and why.
Directories are searched for *.sh, *.bash, *.qemu, *.qemuargs, *.args and libvirt *.xml.

Options:
  --format text|json|sarif     output format (default: text)
  --fail-on LEVEL              exit 1 on findings of LEVEL or above: error, warning,
                               information or hint (default: error); none: report only
  --hotplug PLAN               what-if: send PLAN's commands (QMP lines, HMP lines or libvirt
                               device XML) to each VM once it has started; repeatable, in order
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

Exit status: 0 no findings at or above --fail-on, 1 such findings, 2 usage or I/O error.
`;

type Format = 'text' | 'json' | 'sarif';

/** Most severe first: `--fail-on X` fails on X and everything before it. */
const severityOrder: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

interface CliOptions {
  format: Format;
  /** 'none' reports without failing, for a first look at a tree or a report-only CI step. */
  failOn: Severity | 'none';
  paths: string[];
  profile: HostProfile;
}

type ParseOutcome = { kind: 'run'; options: CliOptions } | { kind: 'exit'; code: number; stdout?: string; stderr?: string };

function parseArguments(args: string[]): ParseOutcome {
  const profile = parseProfileOptions(args);
  if (profile.errors.length) return usageError(profile.errors.join('\n'));
  let format: Format = 'text';
  let failOn: Severity | 'none' = 'error';
  const paths: string[] = [];
  const rest = profile.rest;
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index];
    if (arg === '--') {
      paths.push(...rest.slice(index + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') return { kind: 'exit', code: 0, stdout: usage };
    if (arg === '--version') return { kind: 'exit', code: 0, stdout: `${packageVersion()}\n` };
    if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? rest[++index] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json' && value !== 'sarif') {
        return usageError(`--format must be text, json or sarif${value === undefined ? '' : `, not '${value}'`}`);
      }
      format = value;
      continue;
    }
    if (arg === '--fail-on' || arg.startsWith('--fail-on=')) {
      const value = arg === '--fail-on' ? rest[++index] : arg.slice('--fail-on='.length);
      const level = value === 'none' ? 'none' : severityOrder.find((severity) => severity === value);
      if (level === undefined) {
        return usageError(`--fail-on must be error, warning, information, hint or none${value === undefined ? '' : `, not '${value}'`}`);
      }
      failOn = level;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') return usageError(`unknown option '${arg}'`);
    paths.push(arg);
  }
  if (paths.length === 0) return usageError('no FILE or DIR given');
  return { kind: 'run', options: { format, failOn, paths, profile: applyProfileOptions(defaultHostProfile(), profile.overrides, 'cli') } };
}

function usageError(message: string): ParseOutcome {
  return { kind: 'exit', code: 2, stderr: `memslot: ${message}\nTry 'memslot --help' for more information.\n` };
}

/** Runs the CLI on `args` (without node and the script), writing to `io`; returns the exit status. */
export function main(args: string[], io: CliIo): number {
  const hotplug = extractHotplugArgs(args);
  if (hotplug.error) {
    io.stderr(`memslot: ${hotplug.error}\nTry 'memslot --help' for more information.\n`);
    return 2;
  }
  const parsed = parseArguments(hotplug.rest);
  if (parsed.kind === 'exit') {
    if (parsed.stdout) io.stdout(parsed.stdout);
    if (parsed.stderr) io.stderr(parsed.stderr);
    return parsed.code;
  }
  const { options } = parsed;
  const inputs = collectInputs(options.paths);
  for (const error of inputs.errors) io.stderr(`memslot: ${error}\n`);
  const plans = readPlanFiles(hotplug.plans);
  for (const error of plans.errors) io.stderr(`memslot: ${error}\n`);
  if (plans.errors.length) return 2;
  // -readconfig files are read next to the file being checked (in its folder or below), nowhere else.
  const vms = inputs.files.map((file) => analyzeVm(file.path, file.text, plans.plans, {
    profile: options.profile, readConfig: configFileReader(file.path, [dirname(file.path)], 'not in the folder of the file'),
  }));
  // A plan's findings are reported as a file of their own, after the VM they were run against.
  const reports: Array<{ path: string; analysis: DocumentAnalysis }> = vms.flatMap((vm) => [
    { path: vm.path, analysis: vm.analysis },
    ...vm.plans.map((plan) => ({ path: plan.path, analysis: { machines: [], findings: plan.findings } })),
  ]);
  const output = options.format === 'json' ? formatJson(reports)
    : options.format === 'sarif' ? formatSarif(reports, packageVersion())
      : formatText(reports);
  io.stdout(output);
  if (inputs.errors.length) return 2;
  if (options.failOn === 'none') return 0;
  const threshold = severityOrder.indexOf(options.failOn);
  const failing = reports.some(({ analysis }) =>
    allFindings(analysis).some((finding) => severityOrder.indexOf(finding.severity) <= threshold));
  return failing ? 1 : 0;
}

