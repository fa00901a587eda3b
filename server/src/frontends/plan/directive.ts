import type { DocumentText } from '../../model/document-text';
import { written } from '../../model/values';
import type { HotplugPlan } from './types';

/**
 * `memslot: vm PATH` in a plan's comment names the VM file the plan is for. `comment` is the
 * comment's text after its marker, starting at document offset `offset`.
 */
export function readPlanDirective(comment: string, offset: number, document: DocumentText, plan: HotplugPlan): void {
  const match = /^\s*memslot:\s*vm\s+(\S+)\s*$/.exec(comment);
  if (!match || plan.vm) return;
  const at = offset + comment.indexOf(match[1], comment.indexOf('vm') + 2);
  plan.vm = written(match[1], document.rangeOf(at, at + match[1].length));
}
