import { codes } from '../model/codes';
import type { Finding } from '../model/findings';
import { itemOfRef, nameOf, rangeOfRef, userId } from './lookup';
import { finding, type Rule } from './types';

/** QEMU's words are quoted whole in the hover; the one-line message keeps their first line, cut short. */
const messageLimit = 120;

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > messageLimit ? `${line.slice(0, messageLimit - 1)}…` : line;
}

/**
 * MS017 — QEMU refuses to start and no other finding says so: the simulator knows the refusal
 * (a memory device on a machine with ACPI off, an NVDIMM without nvdimm=on, a memdev two devices
 * share...) but no rule explains that reason in memslot's terms. Without this, such a file showed
 * only a verdict and passed the CLI. It runs after the other rules, on what they found before any
 * severity setting, so turning another rule off never makes this one speak for it.
 */
export const qemuRefuses: Rule = {
  ...codes.MS017,
  check(context): Finding[] {
    const { simulation, model, reported = [] } = context;
    const refusal = simulation.refusal;
    if (simulation.outcome !== 'refused' || !refusal) return [];
    // The front end's errors (syntax, values, ids) are QEMU's parse-time refusals, already reported.
    if (model.diagnostics.some((d) => d.severity === 'error')) return [];
    if (reported.some((f) => f.severity === 'error')) return [];
    const refused = itemOfRef(model, refusal.ref);
    // An option QEMU refuses as a whole (`-no-acpi: invalid option`) has no item: point at the option.
    const option = refusal.ref ? undefined : model.unmodelled.find((entry) => entry.option === refusal.option);
    // The one refusal here with a fix the file can take: ACPI off for DIMMs.
    const acpi = refusal.reason === 'memory-hotplug-disabled' ? context.editor.enableAcpi() : null;
    const subject = refused ? nameOf(refused) : refusal.option ?? 'the command line';
    return [finding(this, {
      message: `QEMU refuses ${subject}: ${firstLine(refusal.message)}`,
      qemu: refusal.hint ? `${refusal.message}\n${refusal.hint}` : refusal.message,
      range: option?.range ?? rangeOfRef(model, refusal.ref),
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
      data: { reason: refusal.reason },
      fixes: acpi ? [{ ...acpi, isPreferred: true }] : [],
    })];
  },
};
