/**
 * `memslot:` directives: the host profile for one file, and suppressions by rule code and device id.
 *
 *   readDirectives(text, kind)                      → { profileArgs, suppressions, findings (MS100) }
 *   profileWithDirectives(base, read)               → HostProfile (source 'directive')
 *   applySuppressions(findings, suppressions, models) → { findings, unused (MS101) }
 */
export { readDirectives, directiveProfileFlags } from './read';
export type { DirectiveRead, DirectiveWord, ProfileArgument, Suppression } from './read';
export { profileWithDirectives } from './profile';
export { applySuppressions } from './suppress';
export type { SuppressionResult } from './suppress';
export { directiveOption, directiveSuppression, directiveStyleOf, insertDirectiveLine } from '../model/directive-text';
