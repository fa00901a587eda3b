import { findingSubjects, type Finding } from '../model/findings';
import type { MachineModel } from '../model/machine';
import { rangeContains } from '../model/range';
import { directiveCodes } from '../model/codes';
import type { DirectiveWord, Suppression } from './read';

export interface SuppressionResult {
  /** The findings no suppression matched. */
  findings: Finding[];
  /** One MS101 warning per code/id pair of a suppression that matched nothing. */
  unused: Finding[];
}

/** Every id a user may name: QEMU ids and libvirt aliases of devices, netdevs, backends and chardevs. */
function namedItems(model: MachineModel) {
  return [...model.devices, ...model.netdevs, ...model.backends, ...model.chardevs];
}

function knownIds(models: MachineModel[]): Set<string> {
  const ids = new Set<string>();
  for (const model of models) {
    for (const item of namedItems(model)) {
      if (item.id) ids.add(item.id.value);
      if (item.displayName) ids.add(item.displayName);
    }
  }
  return ids;
}

/** The ids a finding is about: those a rule named, else the items whose text contains it. */
function subjectsOf(found: Finding, models: MachineModel[]): string[] {
  const named = findingSubjects(found);
  if (named.length > 0) return named;
  const ids: string[] = [];
  for (const model of models) {
    for (const item of namedItems(model)) {
      if (!rangeContains(item.range, found.range.start)) continue;
      if (item.id) ids.push(item.id.value);
      if (item.displayName) ids.push(item.displayName);
    }
  }
  return ids;
}

/**
 * Drops the findings a `disable <code> for <id>` directive names and reports every code/id pair
 * that suppressed nothing (MS101), so stale suppressions do not pile up. Directive findings
 * (MS100, MS101) cannot be suppressed this way: fix the directive instead.
 */
export function applySuppressions(findings: Finding[], suppressions: Suppression[], models: MachineModel[]): SuppressionResult {
  const pairs = suppressions.flatMap((s) => s.codes.flatMap((code) => s.ids.map((id) => ({ code, id, used: false }))));
  const kept: Finding[] = [];
  for (const found of findings) {
    if (found.code === directiveCodes.invalidDirective.code || found.code === directiveCodes.unusedSuppression.code) {
      kept.push(found);
      continue;
    }
    const subjects = subjectsOf(found, models);
    let suppressed = false;
    for (const pair of pairs) {
      if (pair.code.text === found.code && (pair.id.text === '*' || subjects.includes(pair.id.text))) {
        pair.used = true;
        suppressed = true;
      }
    }
    if (!suppressed) kept.push(found);
  }
  const ids = knownIds(models);
  const unused = pairs.filter((p) => !p.used).map((p) => unusedFinding(p.code, p.id, ids));
  return { findings: kept, unused };
}

function unusedFinding(code: DirectiveWord, id: DirectiveWord, ids: Set<string>): Finding {
  const meta = directiveCodes.unusedSuppression;
  const why = id.text === '*'
    ? `there is no ${code.text} finding in this file`
    : ids.has(id.text)
      ? `there is no ${code.text} finding for '${id.text}'`
      : `nothing in this file has the id '${id.text}'`;
  return {
    code: meta.code,
    severity: meta.defaultSeverity,
    message: `unused suppression 'disable ${code.text} for ${id.text}': ${why}; remove it`,
    range: id.text === '*' ? code.range : id.range,
    data: { suppressedCode: code.text, id: id.text },
  };
}
