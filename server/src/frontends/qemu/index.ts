import type { FrontendResult } from '../../model/machine';

/** Reads every qemu-system invocation in a shell script ('shell') or a QEMU argument file ('args'). */
export function parseQemuDocument(_text: string, _kind: 'shell' | 'args'): FrontendResult {
  return { machines: [], diagnostics: [] };
}
