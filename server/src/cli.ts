import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { allFindings, internalError, type DocumentAnalysis } from './analysis';
import { collectInputs } from './cli/inputs';
import { parseCliArguments, severityOrder } from './cli/arguments';
import { readPlanFiles, type VmReport } from './cli/hotplug';
import type { InputFile } from './cli/inputs';
import { formatJson } from './cli/report-json';
import { formatSarif } from './cli/report-sarif';
import { formatText } from './cli/report-text';
import { analysisTimeoutCode } from './model/codes';
import { makeRange } from './model/range';
import { packageVersion } from './package-version';
import type { HostProfile } from './simulator';
import { timeoutFinding } from './watchdog/job';
import { AnalysisPool, bundledWorkerScript } from './watchdog/pool';

/** CLI wiring only: arguments in, the core's analysis out in the chosen format, an exit code. */

/** Where the CLI writes: the process's streams when run as a program, buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the CLI on `args` (without node and the script), writing to `io`; resolves to the exit status. */
export async function main(args: string[], io: CliIo): Promise<number> {
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
  // Without a budget the files are analysed here, one after another, as no worker is needed.
  const pool = new AnalysisPool({
    script: options.timeoutMs > 0 ? bundledWorkerScript() : undefined,
    maxWorkers: Math.max(1, Math.min(inputs.files.length, availableParallelism(), 4)),
  });
  let vms: VmReport[];
  try {
    vms = await Promise.all(inputs.files.map((file) => analyzeFile(pool, file, plans.plans, options.profile, options.timeoutMs)));
  } finally {
    pool.dispose();
  }
  const dropped = vms.filter((vm) => vm.analysis.findings.some((finding) => finding.code === analysisTimeoutCode));
  for (const vm of dropped) io.stderr(`memslot: ${vm.path}: not analysed: the analysis took longer than ${options.timeoutMs} ms\n`);
  // A plan's findings are reported as a file of their own, after the VM they were run against.
  const reports: Array<{ path: string; analysis: DocumentAnalysis }> = vms.flatMap((vm) => [
    { path: vm.path, analysis: vm.analysis },
    ...vm.plans.map((plan) => ({ path: plan.path, analysis: { machines: [], findings: plan.findings } })),
  ]);
  const output = options.format === 'json' ? formatJson(reports)
    : options.format === 'sarif' ? formatSarif(reports, packageVersion())
      : formatText(reports);
  io.stdout(output);
  if (inputs.errors.length || dropped.length) return 2;
  if (options.failOn === 'none') return 0;
  const threshold = severityOrder.indexOf(options.failOn);
  const failing = reports.some(({ analysis }) =>
    allFindings(analysis).some((finding) => severityOrder.indexOf(finding.severity) <= threshold));
  return failing ? 1 : 0;
}


/** One VM file with the plans, in a worker within the budget; a file past it gets MS910 and nothing else. */
async function analyzeFile(pool: AnalysisPool, file: InputFile, plans: Array<{ path: string; text: string }>, profile: HostProfile,
  timeoutMs: number): Promise<VmReport> {
  // -readconfig files are read next to the file being checked (in its folder or below), nowhere else.
  const readConfig = { path: file.path, roots: [dirname(file.path)], outside: 'not in the folder of the file' };
  const outcome = await pool.run({ kind: 'vm', path: file.path, text: file.text, plans, options: { profile, readConfig } }, timeoutMs);
  if (outcome.status === 'done') return outcome.value;
  const finding = outcome.status === 'timeout' ? timeoutFinding(file.text, timeoutMs, '--timeout-ms')
    : internalError('analysing the file', outcome.status === 'failed' ? outcome.error : 'it was cancelled', makeRange(0, 0, 0, 0));
  return { path: file.path, analysis: { machines: [], findings: [finding] }, plans: [] };
}
