import type { RuleMetadata } from '../../rules/types';

/**
 * Codes of hot-plug plans (issue 10's range MS025–MS029): a step QEMU refuses or that hangs it,
 * a command memslot does not model, a plan line memslot cannot read. A leaf module, so the rule
 * registry, the plan reader and the adapters share one list.
 */
export const planCodes = {
  refusedStep: { code: 'MS025', slug: 'hotplug-step-refused', title: 'Hot-plug step refused by QEMU', defaultSeverity: 'error', reporter: 'plan' },
  hangingStep: { code: 'MS026', slug: 'hotplug-step-hangs', title: 'Hot-plug step never answers', defaultSeverity: 'error', reporter: 'plan' },
  notModelled: { code: 'MS027', slug: 'hotplug-command-not-modelled', title: 'Hot-plug command not modelled', defaultSeverity: 'information', reporter: 'plan' },
  unreadable: { code: 'MS028', slug: 'hotplug-plan-unreadable', title: 'Hot-plug plan line not understood', defaultSeverity: 'error', reporter: 'plan' },
} as const satisfies Record<string, RuleMetadata>;
