import { readFileSync } from 'node:fs';
import { analyzeText, type AnalysisOptions, type DocumentAnalysis } from '../analysis';
import type { HostProfile } from '../simulator';
import { analyzeWithPlans, withCapacity, type HotplugMachine, type PlanAnalysis } from '../plan-analysis';

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
