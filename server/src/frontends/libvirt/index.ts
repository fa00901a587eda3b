import type { FrontendResult } from '../../model/machine';

/** Reads a libvirt domain XML document (tolerant of a document being typed). */
export function parseLibvirtDomain(_text: string): FrontendResult {
  return { machines: [], diagnostics: [] };
}
