import { applyProfileOptions, parseProfileOptions, type HostProfile, type VhostUserBackendRule } from '../simulator';
import type { DirectiveRead } from './read';

/**
 * The file's host profile: the directives' options applied over `base` (defaults, then settings or
 * CLI flags), in file order, each with source 'directive' and the directive as its origin, so a
 * hover can say which line set a value. Precedence: defaults < settings/CLI < file directive.
 * Back-end rules of later directives come first (the first matching rule wins); they are gathered
 * and added once, so thousands of directive lines cost no more than their number.
 */
export function profileWithDirectives(base: HostProfile, directives: Pick<DirectiveRead, 'profileArgs'>): HostProfile {
  let profile = base;
  const ruleGroups: VhostUserBackendRule[][] = [];
  for (const argument of directives.profileArgs) {
    const parsed = parseProfileOptions(argument.args);
    if (parsed.errors.length > 0) continue;
    const { vhostUserBackends, ...scalars } = parsed.overrides;
    if (vhostUserBackends?.length) {
      ruleGroups.push(vhostUserBackends.map((rule) => ({ ...rule, source: 'directive', origin: argument.origin })));
    }
    const fields = Object.keys(scalars.origins ?? {}).filter((key) => key !== 'vhostUserBackends');
    if (fields.length === 0) continue;
    const origins = Object.fromEntries(fields.map((key) => [key, argument.origin]));
    profile = applyProfileOptions(profile, { ...scalars, origins }, 'directive', argument.origin);
  }
  if (ruleGroups.length === 0) return profile;
  return { ...profile, vhostUserBackends: [...ruleGroups.reverse().flat(), ...profile.vhostUserBackends] };
}
