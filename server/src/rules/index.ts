/**
 * The rules: one file per code, each reading like its doc page (docs/rules/<code>.md).
 *
 *   runRules(context, options)         → Finding[] for one machine (severity overrides, 'off', disable fixes)
 *   applySeverityOverrides(findings)   → for front-end and directive findings
 * Every code's metadata is in the catalogue, server/src/model/codes.ts (`codes`, `codeEntry`).
 */
export { rules, runRules, applySeverityOverrides } from './registry';
export type { RunRulesOptions } from './registry';
export type { Rule, RuleContext, RuleMetadata, SeveritySetting } from './types';
export { memslotSettingsSchema, profileWithSettings, readMemslotSettings, severitySettingValues } from './settings';
export type { MemslotSettings, SettingsRead } from './settings';
