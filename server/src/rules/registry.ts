import { internalErrorCode } from '../model/codes';
import type { Finding } from '../model/findings';
import type { Rule, RuleContext, RuleMetadata, SeveritySetting } from './types';
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
import { unknownProperty } from './ms020-unknown-property';
import { numaMemoryMismatch } from './ms021-numa-memory-mismatch';
import { virtioMemWithVhostVdpa } from './ms022-virtio-mem-with-vhost-vdpa';
import { dimmSlotsBeyondBackend } from './ms023-dimm-slots-beyond-backend';
import { readOnlyNvdimmArmed } from './ms024-read-only-nvdimm-armed';
import { qemuRefuses } from './ms017-qemu-refuses';

/** The rules, in code order; their codes, titles and severities are in the catalogue (model/codes.ts). */
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
  qemuRefuses,
  unknownProperty,
  numaMemoryMismatch,
  virtioMemWithVhostVdpa,
  dimmSlotsBeyondBackend,
  readOnlyNvdimmArmed,
];

export interface RunRulesOptions {
  /** Per code: a severity, or 'off'. Applies to every code, front-end ones included. */
  severityOverrides?: Record<string, SeveritySetting>;
  /** Codes turned off (the same as an 'off' override). */
  disabled?: string[];
}

/**
 * Runs every rule over one machine: each rule is guarded (a crash becomes an MS999 finding on the
 * machine, the other rules still run), severity overrides apply, turned-off codes are dropped.
 */
export function runRules(context: RuleContext, options: RunRulesOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const guarded = (rule: RuleMetadata, check: () => Finding[]): Finding[] => {
    try {
      return check().map((item) => ({ ...item, code: rule.code }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      findings.push({
        code: internalErrorCode, severity: 'error', range: context.model.headRange,
        message: `memslot failed while checking ${rule.code} (${rule.slug}): ${reason}. This is a bug in memslot, not in your file; please report it.`,
      });
      return [];
    }
  };
  // Every rule runs, turned off or not: MS017, last, speaks only where none of them found the refusal.
  const found: { rule: Rule; found: Finding[] }[] = rules.filter((rule) => rule !== qemuRefuses).map(
    (rule) => ({ rule, found: guarded(rule, () => rule.check(context)) }));
  const reported = found.flatMap((entry) => entry.found);
  found.push({ rule: qemuRefuses, found: guarded(qemuRefuses, () => qemuRefuses.check({ ...context, reported })) });
  for (const entry of found) if (!isOff(entry.rule.code, options)) findings.push(...entry.found);
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
