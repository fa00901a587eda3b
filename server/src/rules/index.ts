/**
 * The rules: one file per code, each reading like its doc page (docs/rules/<code>.md).
 *
 *   runRules(context, options)         → Finding[] for one machine (severity overrides, 'off', disable fixes)
 *   checkMachine(input, options)       → the same, building the context from plain values
 *   applySeverityOverrides(findings)   → for front-end and directive findings
 * Every code's metadata is in the catalogue, server/src/model/codes.ts (`codes`, `codeEntry`).
 */
import type { DocumentKind } from '../model/document-text';
import type { Finding } from '../model/findings';
import type { MachineModel } from '../model/machine';
import type { HostProfile, Simulation } from '../simulator';
import { DocumentText } from '../model/document-text';
import { runRules, type RunRulesOptions } from './registry';

export { rules, runRules, applySeverityOverrides } from './registry';
export type { RunRulesOptions } from './registry';
export type { Rule, RuleContext, RuleMetadata, SeveritySetting } from './types';
export { memslotSettingsSchema, profileWithSettings, readMemslotSettings, severitySettingValues } from './settings';
export type { MemslotSettings, SettingsRead } from './settings';

export interface MachineCheckInput {
  model: MachineModel;
  simulation: Simulation;
  profile: HostProfile;
  /** The whole document's text (fix edits only) and its kind. */
  text: string | DocumentText;
  kind: DocumentKind;
}

export function checkMachine(input: MachineCheckInput, options: RunRulesOptions = {}): Finding[] {
  const document = typeof input.text === 'string' ? new DocumentText(input.text) : input.text;
  return runRules({ model: input.model, simulation: input.simulation, profile: input.profile, document, kind: input.kind }, options);
}
