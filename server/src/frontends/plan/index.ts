import { DocumentText } from '../../model/document-text';
import { parseHmpPlan } from './hmp';
import { parseQmpPlan } from './qmp';
import type { HotplugPlan, PlanFormat } from './types';

export type { HotplugPlan, PlanFormat, PlanStep } from './types';
export { planCodes } from '../../model/codes';

/** Which kind of plan a file is, from its name, else its first command line. */
export function detectPlanFormat(path: string, text: string): PlanFormat | undefined {
  if (/\.qmp$/i.test(path)) return 'qmp';
  if (/\.hmp$/i.test(path)) return 'hmp';
  if (/\.xml$/i.test(path)) return 'libvirt-device';
  const first = text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '' && !line.startsWith('#'));
  if (first === undefined) return undefined;
  if (first.startsWith('{')) return 'qmp';
  if (first.startsWith('<')) return 'libvirt-device';
  return 'hmp';
}

/** Reads a QMP or HMP plan (libvirt device XML needs its domain: see libvirtPlan.ts). */
export function parsePlan(source: string | DocumentText, format: 'qmp' | 'hmp'): HotplugPlan {
  const document = DocumentText.of(source);
  return format === 'qmp' ? parseQmpPlan(document) : parseHmpPlan(document);
}
