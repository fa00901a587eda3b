import { dirname } from 'node:path';
import { configFileReader } from './config-files';
import { allFindings, type DocumentAnalysis } from './analysis';
import { collectInputs } from './cli/inputs';
import { parseCliArguments, severityOrder } from './cli/arguments';
import { analyzeVm, readPlanFiles } from './cli/hotplug';
import { formatJson } from './cli/report-json';
import { formatSarif } from './cli/report-sarif';
import { formatText } from './cli/report-text';
import { packageVersion } from './package-version';

/** CLI wiring only: arguments in, the core's analysis out in the chosen format, an exit code. */

/** Where the CLI writes: the process's streams when run as a program, buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the CLI on `args` (without node and the script), writing to `io`; returns the exit status. */
export function main(args: string[], io: CliIo): number {
  const parsed = parseCliArguments(args);
  if (parsed.kind === 'exit') {
    if (parsed.stdout) io.stdout(parsed.stdout);
    if (parsed.stderr) io.stderr(parsed.stderr);
    return parsed.code;
  }
  const { options } = parsed;
  const inputs = collectInputs(options.paths);
  for (const error of inputs.errors) io.stderr(`memslot: ${error}\n`);
  const plans = readPlanFiles(options.plans);
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

