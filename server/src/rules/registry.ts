import { frontendCodes } from '../frontends/codes';
import { planCodes } from '../frontends/plan/codes';
import type { Finding, Severity } from '../model/findings';
import { directiveSuppression, insertDirectiveLine } from '../directives/format';
import { findingSubjects, type Rule, type RuleContext, type RuleMetadata, type SeveritySetting } from './types';
import { vhostRefusedAfterMemslotDecision } from './ms001-vhost-refused-after-memslot-decision';
import { vhostSlotsExhausted } from './ms002-vhost-slots-exhausted';
import { kvmSlotsExhausted } from './ms003-kvm-slots-exhausted';
import { vhostUserWithoutSharedMemory } from './ms004-vhost-user-without-shared-memory';
import { deviceMemorySpace } from './ms005-device-memory-space';
import { dimmSlots } from './ms006-dimm-slots';
import { memoryDeviceAlignment } from './ms007-memory-device-alignment';
import { maxmemBeyondPhysBits } from './ms008-maxmem-beyond-phys-bits';
import { largeSingleMemslot } from './ms009-large-single-memslot';
import { dynamicMemslotsNoEffect } from './ms010-dynamic-memslots-no-effect';
import { dynamicMemslotsCannotWork } from './ms011-dynamic-memslots-cannot-work';
import { vhostUserLimitUnknown } from './ms012-vhost-user-limit-unknown';
import { virtioMemVfioDmaLimit } from './ms013-virtio-mem-vfio-dma-limit';
import { lowHeadroom } from './ms014-low-headroom';
import { memoryDevicePlacement } from './ms015-memory-device-placement';
import { hostFactUnknown } from './ms016-host-fact-unknown';

/**
 * Every code memslot reports, with its default severity: the rules (MS001…), the directive
 * reader's own codes (MS100, MS101), the front ends' codes (MS901–MS909, emitted by the front
 * ends themselves) and MS999 for memslot's own failures. Settings, docs and the SARIF rule list
 * all read this one list.
 */
export const rules: readonly Rule[] = [
  vhostRefusedAfterMemslotDecision,
  vhostSlotsExhausted,
  kvmSlotsExhausted,
  vhostUserWithoutSharedMemory,
  deviceMemorySpace,
  dimmSlots,
  memoryDeviceAlignment,
  maxmemBeyondPhysBits,
  largeSingleMemslot,
  dynamicMemslotsNoEffect,
  dynamicMemslotsCannotWork,
  vhostUserLimitUnknown,
  virtioMemVfioDmaLimit,
  lowHeadroom,
  memoryDevicePlacement,
  hostFactUnknown,
];

export const directiveCodes = {
  invalidDirective: { code: 'MS100', slug: 'invalid-directive', title: 'Invalid memslot directive', defaultSeverity: 'error', reporter: 'directive' },
  unusedSuppression: { code: 'MS101', slug: 'unused-suppression', title: 'Suppression that matches no finding', defaultSeverity: 'warning', reporter: 'directive' },
} as const satisfies Record<string, RuleMetadata>;

const frontendSlugs: Record<keyof typeof frontendCodes, string> = {
  syntax: 'command-line-syntax',
  invalidValue: 'invalid-option-value',
  invalidJson: 'invalid-json-option',
  duplicateId: 'duplicate-id',
  danglingReference: 'undefined-id-reference',
  unresolvedExpansion: 'shell-expansion-hides-value',
  unmodelledOption: 'option-not-modelled',
  xmlSyntax: 'xml-not-well-formed',
  libvirtValidation: 'libvirt-rejects-domain',
};

export const internalErrorMetadata: RuleMetadata = {
  code: 'MS999', slug: 'internal-error', title: 'memslot failed on this input', defaultSeverity: 'error', reporter: 'internal',
};

export const ruleMetadata: readonly RuleMetadata[] = [
  ...rules.map(({ code, slug, title, defaultSeverity, reporter }) => ({ code, slug, title, defaultSeverity, reporter })),
  ...Object.values(directiveCodes),
  ...Object.values(planCodes),
  ...(Object.entries(frontendCodes) as Array<[keyof typeof frontendCodes, (typeof frontendCodes)[keyof typeof frontendCodes]]>).map(([name, entry]) => ({
    code: entry.code, slug: frontendSlugs[name], title: entry.title, defaultSeverity: entry.severity as Severity, reporter: 'frontend' as const,
  })),
  internalErrorMetadata,
];

export function metadataOf(code: string): RuleMetadata | undefined {
  return ruleMetadata.find((m) => m.code === code);
}

export interface RunRulesOptions {
  /** Per code: a severity, or 'off'. Applies to every code, front-end ones included. */
  severityOverrides?: Record<string, SeveritySetting>;
  /** Codes turned off (the same as an 'off' override). */
  disabled?: string[];
  /** Leave out the "disable <code> for <id>" fix (e.g. the CLI, which applies fixes without choosing). */
  withoutDisableFixes?: boolean;
}

/**
 * Runs every rule over one machine: each rule is guarded (a crash becomes an MS999 finding on the
 * machine, the other rules still run), severity overrides apply, turned-off codes are dropped,
 * and every finding that names a device gets a "disable <code> for <id>" fix.
 */
export function runRules(context: RuleContext, options: RunRulesOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (isOff(rule.code, options)) continue;
    let found: Finding[];
    try {
      found = rule.check(context);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      findings.push({
        code: internalErrorMetadata.code, severity: 'error', range: context.model.headRange,
        message: `memslot failed while checking ${rule.code} (${rule.slug}): ${reason}. This is a bug in memslot, not in your file; please report it.`,
      });
      continue;
    }
    for (const item of found) {
      const withCode: Finding = { ...item, code: rule.code };
      if (!options.withoutDisableFixes) addDisableFix(context, withCode);
      findings.push(withCode);
    }
  }
  return applySeverityOverrides(findings, options);
}

function isOff(code: string, options: RunRulesOptions): boolean {
  return options.severityOverrides?.[code] === 'off' || (options.disabled ?? []).includes(code);
}

/** Applies severity overrides and 'off' to any findings (front-end and directive ones too). */
export function applySeverityOverrides(findings: Finding[], options: RunRulesOptions): Finding[] {
  const kept: Finding[] = [];
  for (const item of findings) {
    if (isOff(item.code, options)) continue;
    const override = options.severityOverrides?.[item.code];
    kept.push(override !== undefined && override !== 'off' && override !== item.severity ? { ...item, severity: override } : item);
  }
  return kept;
}

function addDisableFix(context: RuleContext, item: Finding): void {
  const subject = findingSubjects(item)[0];
  if (subject === undefined) return;
  const fix = {
    title: `Disable ${item.code} for '${subject}' in this file`,
    edits: [insertDirectiveLine(context.document, context.model, directiveSuppression(item.code, subject))],
  };
  item.fixes = [...(item.fixes ?? []), fix];
}
