import type { Severity } from './findings';

/**
 * Every code memslot reports, in one place: the rules (MS0xx), the directive reader (MS1xx), the
 * front ends (MS901–MS909) and memslot's own limits and failures (MS910, MS999). Codes and slugs
 * are stable: users suppress and search by them, and docs/rules/<code>.md explains each. Rules,
 * front ends, directives, the settings schema, the SARIF rule list and the docs test all read this
 * module, which imports only a type, so any layer may use it.
 */
export type CodeKind = 'rule' | 'frontend' | 'directive' | 'plan' | 'internal';

export interface CodeEntry {
  /** Stable code, e.g. 'MS001'. */
  code: string;
  /** Stable readable name, e.g. 'vhost-refused-after-memslot-decision'. */
  slug: string;
  title: string;
  defaultSeverity: Severity;
  /** Who reports it: a rule over the simulation, a front end, the directive reader, a hot-plug plan, or memslot itself. */
  kind: CodeKind;
}

function entry<C extends string, K extends CodeKind>(code: C, kind: K, defaultSeverity: Severity, slug: string, title: string) {
  return { code, slug, title, defaultSeverity, kind } as const;
}

export const codes = {
  MS001: entry('MS001', 'rule', 'error', 'vhost-refused-after-memslot-decision', 'vhost back-end refused after a memory device decided its memslots'),
  MS002: entry('MS002', 'rule', 'error', 'vhost-backend-slots-exhausted', 'vhost back-end out of memory slots'),
  MS003: entry('MS003', 'rule', 'error', 'kvm-slots-exhausted', 'KVM out of memory slots'),
  MS004: entry('MS004', 'rule', 'error', 'vhost-user-without-shared-memory', 'vhost-user device without shared, fd-backed guest memory'),
  MS005: entry('MS005', 'rule', 'error', 'device-memory-too-small', 'maxmem missing or too small for the memory devices'),
  MS006: entry('MS006', 'rule', 'error', 'dimm-slots-too-few', 'slots= too low (or too high) for the DIMMs'),
  MS007: entry('MS007', 'rule', 'error', 'memory-device-alignment', 'memory device size not a multiple of its block size'),
  MS008: entry('MS008', 'rule', 'error', 'maxmem-beyond-phys-bits', "guest address space beyond the CPU's physical address bits"),
  MS009: entry('MS009', 'rule', 'information', 'large-virtio-mem-single-memslot', 'large virtio-mem device mapped as one memslot (KVM metadata waste)'),
  MS010: entry('MS010', 'rule', 'warning', 'dynamic-memslots-no-effect', 'dynamic-memslots=on has no effect'),
  MS011: entry('MS011', 'rule', 'error', 'dynamic-memslots-cannot-work', 'dynamic-memslots=on refused by this QEMU or machine type'),
  MS012: entry('MS012', 'rule', 'warning', 'vhost-user-limit-unknown', 'vhost-user back-end limit unknown and the verdict depends on it'),
  MS013: entry('MS013', 'rule', 'warning', 'virtio-mem-vfio-dma-limit', 'virtio-mem with VFIO: DMA mapping limit'),
  MS014: entry('MS014', 'rule', 'information', 'low-memslot-headroom', 'few memslots left for hot-plug'),
  MS015: entry('MS015', 'rule', 'error', 'memory-device-placement', 'memory device slot or address refused'),
  MS016: entry('MS016', 'rule', 'warning', 'host-fact-unknown', 'host CPU vendor or physical address bits unknown and the verdict depends on them'),

  // Any other start-up refusal the simulator knows: the rules' safety net.
  MS017: entry('MS017', 'rule', 'error', 'qemu-refuses', 'QEMU refuses to start, for a reason no other rule explains'),

  // What QEMU refuses in real users' inputs, and a warning for DIMM slots no back-end can take.
  MS020: entry('MS020', 'rule', 'error', 'unknown-property', 'property or object type this QEMU does not have'),
  MS021: entry('MS021', 'rule', 'error', 'numa-memory-mismatch', 'NUMA node memory does not add up to the RAM size'),
  MS022: entry('MS022', 'rule', 'error', 'virtio-mem-with-vhost-vdpa', 'virtio-mem with vhost-vdpa (discarding RAM is disabled)'),
  MS023: entry('MS023', 'rule', 'warning', 'dimm-slots-beyond-backend', 'slots= promises more DIMMs than a vhost back-end can take'),
  MS024: entry('MS024', 'rule', 'error', 'read-only-nvdimm-armed', 'NVDIMM on read-only memory without unarmed=on'),

  // Hot-plug plans: a step QEMU refuses or that hangs it, a command not modelled, a line not understood.
  MS025: entry('MS025', 'plan', 'error', 'hotplug-step-refused', 'Hot-plug step refused by QEMU'),
  MS026: entry('MS026', 'plan', 'error', 'hotplug-step-hangs', 'Hot-plug step never answers'),
  MS027: entry('MS027', 'plan', 'information', 'hotplug-command-not-modelled', 'Hot-plug command not modelled'),
  MS028: entry('MS028', 'plan', 'error', 'hotplug-plan-unreadable', 'Hot-plug plan line not understood'),

  MS100: entry('MS100', 'directive', 'error', 'invalid-directive', 'Invalid memslot directive'),
  MS101: entry('MS101', 'directive', 'warning', 'unused-suppression', 'Suppression that matches no finding'),

  MS901: entry('MS901', 'frontend', 'error', 'command-line-syntax', 'Command-line syntax error'),
  MS902: entry('MS902', 'frontend', 'error', 'invalid-option-value', 'Invalid option value'),
  MS903: entry('MS903', 'frontend', 'error', 'invalid-json-option', 'Invalid JSON option'),
  MS904: entry('MS904', 'frontend', 'error', 'duplicate-id', 'Id used twice'),
  MS905: entry('MS905', 'frontend', 'error', 'undefined-id-reference', 'Reference to an undefined id'),
  MS906: entry('MS906', 'frontend', 'warning', 'shell-expansion-hides-value', 'Shell expansion hides a value'),
  MS907: entry('MS907', 'frontend', 'information', 'option-not-modelled', 'Option not modelled'),
  MS908: entry('MS908', 'frontend', 'error', 'xml-not-well-formed', 'XML not well-formed'),
  MS909: entry('MS909', 'frontend', 'error', 'libvirt-rejects-domain', 'libvirt rejects this domain'),

  // memslot's own limits and failures: a file it gave up on, a bug in memslot.
  MS910: entry('MS910', 'internal', 'warning', 'analysis-timeout', 'File not analysed: the analysis ran out of time'),
  MS999: entry('MS999', 'internal', 'error', 'internal-error', 'memslot failed on this input'),
} as const satisfies Record<string, CodeEntry>;

export type Code = keyof typeof codes;

/** The front ends' codes by what they report (front ends report through these names). */
export const frontendCodes = {
  syntax: codes.MS901,
  invalidValue: codes.MS902,
  invalidJson: codes.MS903,
  duplicateId: codes.MS904,
  danglingReference: codes.MS905,
  unresolvedExpansion: codes.MS906,
  unmodelledOption: codes.MS907,
  xmlSyntax: codes.MS908,
  libvirtValidation: codes.MS909,
} as const;

export type FrontendCodeName = keyof typeof frontendCodes;

/** The hot-plug plan reader's codes by what they report. */
export const planCodes = {
  refusedStep: codes.MS025,
  hangingStep: codes.MS026,
  notModelled: codes.MS027,
  unreadable: codes.MS028,
} as const;

export const directiveCodes = {
  invalidDirective: codes.MS100,
  unusedSuppression: codes.MS101,
} as const;

export const internalErrorCode = codes.MS999.code;

/** The watchdog's code: the analysis of a file took longer than its time budget and was dropped. */
export const analysisTimeoutCode = codes.MS910.code;

/** Every code, in code order. */
export const codeCatalogue: readonly CodeEntry[] = Object.values(codes);

const byCode = new Map<string, CodeEntry>(codeCatalogue.map((item) => [item.code, item]));

export function codeEntry(code: string): CodeEntry | undefined {
  return byCode.get(code);
}
