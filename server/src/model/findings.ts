import type { Range } from './range';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInformation {
  message: string;
  range: Range;
}

/**
 * What the core reports: front-end problems and rule findings share this shape, so the LSP and CLI
 * adapters need one conversion only. `code` is stable (front-end codes are MS9xx, rules MS0xx-MS1xx).
 */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  related?: RelatedInformation[];
  /** Opaque payload for quick fixes (e.g. ids of the devices involved). */
  data?: Record<string, unknown>;
}
