import type { Severity } from '../model/findings';

/**
 * Codes of the problems front ends report (rules use MS0xx-MS1xx). Stable: users suppress and
 * search by them, and docs/rules/<code>.md explains each.
 */
export const frontendCodes = {
  syntax: { code: 'MS901', severity: 'error', title: 'Command-line syntax error' },
  invalidValue: { code: 'MS902', severity: 'error', title: 'Invalid option value' },
  invalidJson: { code: 'MS903', severity: 'error', title: 'Invalid JSON option' },
  duplicateId: { code: 'MS904', severity: 'error', title: 'Id used twice' },
  danglingReference: { code: 'MS905', severity: 'error', title: 'Reference to an undefined id' },
  unresolvedExpansion: { code: 'MS906', severity: 'warning', title: 'Shell expansion hides a value' },
  unmodelledOption: { code: 'MS907', severity: 'information', title: 'Option not modelled' },
  xmlSyntax: { code: 'MS908', severity: 'error', title: 'XML not well-formed' },
  libvirtValidation: { code: 'MS909', severity: 'error', title: 'libvirt rejects this domain' },
} as const satisfies Record<string, { code: string; severity: Severity; title: string }>;

export type FrontendCodeName = keyof typeof frontendCodes;
