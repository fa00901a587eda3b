import type { MachineReport, PlugStep } from '../../../server/src/protocol';
import { escapeHtml } from './escape';

/**
 * The slot-use chart as an SVG string. x = QEMU's plug steps in order, labelled with the device ids;
 * per consumer (KVM, each vhost back-end) a solid line of the slots in use, a dashed line of in use
 * + reserved (memory devices reserve their not-yet-mapped memslots in every consumer) and its limit
 * as a dotted line in the same colour. The step where a memory device decided its memslot count is
 * marked, and so is the refused step, with its reason. Every point carries a tooltip. Pure and free
 * of vscode so tests can read it. Colours come from classes (the webview's CSS maps them to VS Code's
 * chart colours): the content security policy forbids inline styles.
 */

export interface ChartSeries {
  id: string;
  /** [step index, slots in use, slots reserved] for the steps where the consumer exists. */
  points: Array<[number, number, number]>;
  limit: number | null;
}

const width = 720;
const height = 300;
const margin = { left: 44, right: 112, top: 34, bottom: 64 };
/** A limit more than this many times the highest use is listed, not drawn (KVM's 32764 would flatten every line). */
const limitScaleFactor = 4;
const seriesColours = 6;
const reasonLength = 84;

/**
 * KVM (its fullest address space, the one QEMU's free-slot check reads), each vhost back-end in the
 * report's order, any that only appear in the steps, and the refused back-end at its own step.
 */
export function chartSeries(machine: MachineReport): ChartSeries[] {
  const kvmIds = new Set(machine.consumers.filter((consumer) => consumer.kind === 'kvm').map((consumer) => consumer.id).concat(['kvm', 'kvm-smram']));
  const ids: string[] = [];
  const hasKvm = machine.steps.some((step) => Object.keys(step.usage ?? {}).some((id) => kvmIds.has(id))) || machine.consumers.some((consumer) => consumer.kind === 'kvm');
  if (hasKvm) ids.push('KVM');
  for (const consumer of machine.consumers) if (consumer.kind !== 'kvm' && !ids.includes(consumer.id)) ids.push(consumer.id);
  for (const step of machine.steps) for (const id of Object.keys(step.usage ?? {})) if (!kvmIds.has(id) && !ids.includes(id)) ids.push(id);
  const refusedIndex = machine.steps.findIndex((step) => step.step === machine.refusedStep);
  const refusedStep = machine.steps[refusedIndex];
  if (refusedStep?.action === 'vhost-init' && refusedStep.limit !== undefined && machine.refusedBy && !ids.includes(machine.refusedBy)) ids.push(machine.refusedBy);
  return ids.map((id) => {
    const points: Array<[number, number, number]> = [];
    machine.steps.forEach((step, index) => {
      const used = id === 'KVM' ? kvmUse(step, kvmIds) : step.usage?.[id];
      if (used !== undefined) points.push([index, used, step.reserved ?? 0]);
    });
    const consumer = id === 'KVM' ? machine.consumers.find((row) => row.kind === 'kvm') : machine.consumers.find((row) => row.id === id);
    // A refused vhost back-end never became a consumer: one point at its step, what it would have had to map.
    if (points.length === 0 && id === machine.refusedBy && refusedIndex >= 0 && consumer) {
      points.push([refusedIndex, consumer.used, consumer.reserved]);
    }
    const stepLimit = id === machine.refusedBy && refusedStep?.action === 'vhost-init' ? refusedStep.limit
      : machine.steps.find((step) => step.action === 'vhost-init' && (step.short ?? step.label) === id)?.limit;
    return { id, points, limit: consumer?.limit ?? stepLimit ?? null };
  });
}

function kvmUse(step: PlugStep, kvmIds: Set<string>): number | undefined {
  const values = Object.entries(step.usage ?? {}).filter(([id]) => kvmIds.has(id)).map(([, used]) => used);
  return values.length ? Math.max(...values) : undefined;
}

export function renderChart(machine: MachineReport): string {
  const steps = machine.steps;
  if (steps.length === 0 || !steps.some((step) => step.usage)) {
    return '<p class="muted">No slot use per step for this machine (it was not simulated).</p>';
  }
  const series = chartSeries(machine);
  const highest = Math.max(1, ...series.flatMap((s) => s.points.map(([, used, reserved]) => used + reserved)));
  const drawnLimit = (limit: number | null): limit is number => limit !== null && limit <= Math.max(highest, 8) * limitScaleFactor;
  const top = axisTop(Math.max(highest, ...series.map((s) => (drawnLimit(s.limit) ? s.limit : 0))) * 1.1);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (index: number): number => margin.left + (steps.length === 1 ? plotWidth / 2 : (index * plotWidth) / (steps.length - 1));
  const y = (slots: number): number => margin.top + plotHeight - (slots / top) * plotHeight;
  const fmt = (n: number): string => n.toFixed(1);
  const bottom = margin.top + plotHeight;

  const parts: string[] = [];
  parts.push(`<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<title>Memory slots in use and reserved after each step of QEMU's plug order, against each consumer's limit</title>`);
  for (const tick of ticks(top)) {
    parts.push(`<line class="grid" x1="${margin.left}" x2="${width - margin.right}" y1="${fmt(y(tick))}" y2="${fmt(y(tick))}"/>`);
    parts.push(`<text class="axis-label" x="${margin.left - 6}" y="${fmt(y(tick) + 4)}" text-anchor="end">${tick}</text>`);
  }
  parts.push(`<line class="axis" x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${bottom}"/>`);
  parts.push(`<line class="axis" x1="${margin.left}" x2="${width - margin.right}" y1="${bottom}" y2="${bottom}"/>`);
  steps.forEach((step, index) => {
    const label = step.short ?? step.label;
    const tip = `${step.step}. ${step.action} ${step.label}${step.result === 'ok' ? '' : ` (${step.result})`}`;
    parts.push(`<text class="axis-label step-label" x="${fmt(x(index))}" y="${bottom + 14}" text-anchor="end" transform="rotate(-30 ${fmt(x(index))} ${bottom + 14})">${escapeHtml(label)}<title>${escapeHtml(tip)}</title></text>`);
  });
  parts.push(`<text class="axis-label" x="${margin.left - 36}" y="${margin.top - 10}" text-anchor="start">slots</text>`);

  steps.forEach((step, index) => {
    if (!step.autoDecision) return;
    const text = `${step.autoDecision.id} decides ${step.autoDecision.memslots} memslots`;
    const tip = `Step ${step.step}: ${step.autoDecision.id} decided ${step.autoDecision.memslots} memslots from the free slots; a vhost back-end with fewer than 509 slots that comes later is refused.`;
    parts.push(`<g class="decision-marker" data-step="${step.step}"><line class="decision" x1="${fmt(x(index))}" x2="${fmt(x(index))}" y1="${margin.top}" y2="${bottom}"/>`);
    parts.push(`<text class="decision-label" x="${fmt(x(index))}" y="${margin.top + 10}" dx="4" text-anchor="start">◆ ${escapeHtml(text)}</text><title>${escapeHtml(tip)}</title></g>`);
  });

  const refusedIndex = steps.findIndex((step) => step.step === machine.refusedStep);
  if (refusedIndex >= 0) {
    const refused = steps[refusedIndex];
    const reason = machine.refusedReason ?? refused.error?.split('\n')[0] ?? 'refused';
    const shortReason = reason.length > reasonLength ? `${reason.slice(0, reasonLength - 1)}…` : reason;
    const right = refusedIndex > steps.length / 2;
    parts.push(`<g class="refused-marker" data-step="${refused.step}">`);
    parts.push(`<line class="refused" x1="${fmt(x(refusedIndex))}" x2="${fmt(x(refusedIndex))}" y1="${margin.top - 18}" y2="${bottom}"/>`);
    parts.push(`<text class="refused-label" x="${fmt(x(refusedIndex))}" y="${margin.top - 22}" text-anchor="${right ? 'end' : 'start'}">✕ refused: ${escapeHtml(refused.short ?? refused.label)}</text>`);
    parts.push(`<text class="refused-reason" x="${fmt(x(refusedIndex))}" y="${margin.top - 8}" text-anchor="${right ? 'end' : 'start'}" dx="${right ? -4 : 4}">${escapeHtml(shortReason)}</text>`);
    parts.push(`<title>${escapeHtml(`Step ${refused.step}: ${refused.label} refused: ${reason}${refused.error ? `\nQEMU: ${refused.error}` : ''}`)}</title></g>`);
  }

  const limitLabels: number[] = [];
  series.forEach((s, index) => {
    const colour = `series-${index % seriesColours}`;
    const id = escapeHtml(s.id);
    if (drawnLimit(s.limit)) {
      const ly = y(s.limit);
      // Labels of limits close together are nudged apart so they stay readable.
      let labelY = ly + 4;
      while (limitLabels.some((other) => Math.abs(other - labelY) < 11)) labelY += 11;
      limitLabels.push(labelY);
      parts.push(`<line class="limit ${colour}" data-consumer="${id}" x1="${margin.left}" x2="${width - margin.right}" y1="${fmt(ly)}" y2="${fmt(ly)}" stroke-dasharray="2 3"><title>${escapeHtml(`${s.id} limit ${s.limit}`)}</title></line>`);
      parts.push(`<text class="limit-label ${colour}" x="${width - margin.right + 4}" y="${fmt(labelY)}">${id} limit ${s.limit}</text>`);
    }
    if (s.points.length === 0) return;
    const demand = s.points.map(([step, used, reserved]) => `${fmt(x(step))},${fmt(y(used + reserved))}`).join(' ');
    const use = s.points.map(([step, used]) => `${fmt(x(step))},${fmt(y(used))}`).join(' ');
    // In use + reserved matters against a limit on the chart (KVM's is usually far above it).
    const showDemand = drawnLimit(s.limit) && s.points.some(([, , reserved]) => reserved > 0);
    if (showDemand && s.points.length === 1) {
      const [step, used, reserved] = s.points[0];
      parts.push(`<line class="demand-bar ${colour}" data-consumer="${id}" x1="${fmt(x(step))}" x2="${fmt(x(step))}" y1="${fmt(y(used))}" y2="${fmt(y(used + reserved))}"><title>${escapeHtml(`${s.id}: ${used} in use + ${reserved} reserved`)}</title></line>`);
    } else if (showDemand) {
      parts.push(`<polyline class="demand ${colour}" data-consumer="${id}" points="${demand}" stroke-dasharray="6 4"><title>${escapeHtml(`${s.id}: in use + reserved`)}</title></polyline>`);
    }
    if (s.points.length > 1) parts.push(`<polyline class="usage ${colour}" data-consumer="${id}" points="${use}"><title>${escapeHtml(`${s.id}: in use`)}</title></polyline>`);
    for (const [step, used, reserved] of s.points) {
      const over = s.limit !== null && used + reserved > s.limit ? ` > limit ${s.limit}` : s.limit !== null ? ` of ${s.limit}` : '';
      const tip = `${s.id} after ${steps[step].short ?? steps[step].label}: ${used} in use + ${reserved} reserved = ${used + reserved}${over}`;
      parts.push(`<circle class="point ${colour}" cx="${fmt(x(step))}" cy="${fmt(y(used))}" r="3"><title>${escapeHtml(tip)}</title></circle>`);
      if (showDemand && reserved > 0) parts.push(`<circle class="point demand-point ${colour}" cx="${fmt(x(step))}" cy="${fmt(y(used + reserved))}" r="2.5"><title>${escapeHtml(tip)}</title></circle>`);
    }
  });
  parts.push('</svg>');

  const legend = series.map((s, index) => {
    const limit = s.limit === null ? 'no limit' : drawnLimit(s.limit) ? `limit ${s.limit} (dotted)` : `limit ${s.limit} (above the chart)`;
    const last = s.points.at(-1);
    const use = last === undefined ? 'not started' : `${last[1]} in use${last[2] > 0 ? ` + ${last[2]} reserved${drawnLimit(s.limit) ? ' (dashed)' : ''}` : ''}`;
    return `<li><span class="swatch series-${index % seriesColours}" aria-hidden="true"></span><code>${escapeHtml(s.id)}</code>: ${use}, ${limit}</li>`;
  });
  const moment = machine.slotMoment ? `<li class="muted">last figures: ${escapeHtml(machine.slotMoment)}</li>` : '';
  return `<figure class="chart-figure">${parts.join('')}<figcaption><ul class="legend">${legend.join('')}${moment}</ul></figcaption></figure>`;
}

/** The y-axis top: a whole multiple of a 1-2-5 tick step, about four ticks high. */
function axisTop(value: number): number {
  const step = tickStep(value);
  return Math.max(step, Math.ceil(value / step) * step);
}

function tickStep(value: number): number {
  const rough = Math.max(1, value / 4);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= rough) return Math.max(1, factor * magnitude);
  return 10 * magnitude;
}

function ticks(top: number): number[] {
  const step = tickStep(top);
  const out: number[] = [];
  for (let tick = 0; tick <= top; tick += step) out.push(tick);
  return out;
}
