import type { RelatedInformation } from '../model/findings';
import type { Range } from '../model/range';

/** QEMU's own words for a refusal, as related information: the message stays short, the hover and Problems view show the verbatim error. */
export function qemuSays(error: string, range: Range): RelatedInformation {
  return { message: `QEMU: ${error}`, range };
}
