import type { Fix } from '../model/findings';
import type { MachineModel } from '../model/machine';
import { resolveRef } from '../model/references';
import { applyProfileOptions, type HostProfile, type VhostUserLimit } from '../simulator';
import type { RuleContext } from './types';

/** The pattern a `--vhost-user` declaration should use for a back-end: its socket path, else its chardev id. */
export function vhostUserPattern(model: MachineModel, chardevId: string | undefined): string | undefined {
  if (chardevId === undefined) return undefined;
  return resolveRef(model.chardevs, chardevId)?.path?.value ?? chardevId;
}

export function limitText(limit: VhostUserLimit): string {
  return limit === 'no-configure-mem-slots' ? 'nocfg' : String(limit);
}

/** The profile as it would be with the back-end declared (what the inserted directive does). */
export function profileWithVhostUser(profile: HostProfile, pattern: string, limit: VhostUserLimit): HostProfile {
  return applyProfileOptions(profile, { vhostUserBackends: [{ pattern, limit }] }, 'directive');
}

/** "Declare this back-end's limit": inserts a `memslot:` directive line above the machine. */
export function declareVhostUserLimitFix(context: RuleContext, pattern: string, limit: VhostUserLimit, title: string): Fix {
  return { title, edits: [context.editor.insertDirective('--vhost-user', `${pattern}=${limitText(limit)}`)] };
}
