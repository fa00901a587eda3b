import { analyzeText, type DocumentAnalysis, type DocumentHint } from '../analysis';
import { analyzeVm, type VmReport } from '../cli/hotplug';
import { configFileReader } from '../config-files';
import { codes } from '../model/codes';
import type { Finding, Severity } from '../model/findings';
import { makeRange } from '../model/range';
import type { HostProfile } from '../simulator';

/**
 * What the watchdog runs off the adapter's thread: one document's analysis (the server), or one VM
 * file with its hot-plug plans (the CLI). Jobs and results are plain data, so they cross to a worker
 * thread by structured clone; the `-readconfig` reader is rebuilt there from its scope.
 */

/** Which `-readconfig` files the job may read: inside `roots`, else `outside` is the reason given. */
export interface ReadConfigScope {
  path: string;
  roots: string[];
  outside: string;
}

export interface JobOptions {
  profile: HostProfile;
  severityOverrides?: Record<string, Severity | 'off'>;
  readConfig?: ReadConfigScope;
}

export type AnalysisJob =
  | { kind: 'document'; text: string; hint: DocumentHint; options: JobOptions }
  | { kind: 'vm'; path: string; text: string; plans: Array<{ path: string; text: string }>; options: JobOptions };

export interface JobResults {
  document: DocumentAnalysis;
  vm: VmReport;
}

export type JobResult = JobResults[keyof JobResults];

export function runJob(job: AnalysisJob): JobResult {
  const { profile, severityOverrides, readConfig } = job.options;
  const options = {
    profile,
    ...(severityOverrides ? { severityOverrides } : {}),
    ...(readConfig ? { readConfig: configFileReader(readConfig.path, readConfig.roots, readConfig.outside) } : {}),
  };
  return job.kind === 'document' ? analyzeText(job.text, job.hint, options) : analyzeVm(job.path, job.text, job.plans, options);
}

/**
 * MS910 on the first line of a file whose analysis ran past its budget; `raise` names what raises
 * the budget (the setting or the CLI flag).
 */
export function timeoutFinding(text: string, budgetMs: number, raise: string): Finding {
  const { code, defaultSeverity } = codes.MS910;
  let end = 0;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  return {
    code,
    severity: defaultSeverity,
    message: `Not analysed: analysis took longer than ${budgetMs} ms (${raise}).`,
    range: makeRange(0, 0, 0, end),
  };
}
