import { applyProfileOptions, parseProfileOptions, type HostProfile } from '../simulator';
import type { DirectiveRead } from './read';

/**
 * The file's host profile: the directives' options applied over `base` (defaults, then settings or
 * CLI flags), in file order, each with source 'directive' and the directive as its origin, so a
 * hover can say which line set a value. Precedence: defaults < settings/CLI < file directive.
 */
export function profileWithDirectives(base: HostProfile, directives: Pick<DirectiveRead, 'profileArgs'>): HostProfile {
  let profile = base;
  for (const argument of directives.profileArgs) {
    const parsed = parseProfileOptions(argument.args);
    if (parsed.errors.length > 0) continue;
    const origins = Object.fromEntries(Object.keys(parsed.overrides.origins ?? {}).map((key) => [key, argument.origin]));
    profile = applyProfileOptions(profile, { ...parsed.overrides, origins }, 'directive', argument.origin);
  }
  return profile;
}
