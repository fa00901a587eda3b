import { readFileSync } from 'node:fs';
import { analyzeText, type AnalysisOptions, type DocumentAnalysis } from '../analysis';
import type { HostProfile } from '../simulator';
import { analyzeWithPlans, withCapacity, type HotplugMachine, type PlanAnalysis } from '../plan-analysis';

/** `--hotplug PLAN` (repeatable): plans applied in order to every VM file named. */
export function extractHotplugArgs(args: string[]): { plans: string[]; rest: string[]; error?: string } {
  const plans: string[] = [];
  const rest: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--') {
      rest.push(...args.slice(index));
      break;
    }
    if (arg === '--hotplug' || arg.startsWith('--hotplug=')) {
      const value = arg === '--hotplug' ? args[++index] : arg.slice('--hotplug='.length);
      if (value === undefined || value === '') return { plans, rest, error: '--hotplug needs a plan file (QMP, HMP or libvirt device XML)' };
      plans.push(value);
      continue;
    }
    rest.push(arg);
  }
  return { plans, rest };
}

export interface PlanFiles {
  plans: Array<{ path: string; text: string }>;
  errors: string[];
}

export function readPlanFiles(paths: string[]): PlanFiles {
  const result: PlanFiles = { plans: [], errors: [] };
  for (const path of paths) {
    try {
      result.plans.push({ path, text: readFileSync(path, 'utf8') });
    } catch (error) {
      result.errors.push(`${path}: ${error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file or directory' : String(error)}`);
    }
  }
  return result;
}

export interface VmReport {
  path: string;
  analysis: DocumentAnalysis & { machines: HotplugMachine[] };
  plans: PlanAnalysis[];
}

/** The VM file's analysis with the plans applied (or only its capacity when there are none). */
export function analyzeVm(path: string, text: string, plans: PlanFiles['plans'], options: HostProfile | AnalysisOptions): VmReport {
  if (plans.length === 0) return { path, analysis: withCapacity(analyzeText(text, { path }, options)), plans: [] };
  const result = analyzeWithPlans(text, { path }, plans, options);
  return { path, analysis: result.vm, plans: result.plans };
}
