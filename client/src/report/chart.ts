import type { MachineReport } from '../../../server/src/protocol';
import { escapeHtml } from './escape';

/**
 * The slot-use chart as an SVG string: x = QEMU's plug steps in order, y = slots in use after each
 * step, one polyline per consumer (KVM, each vhost back-end), its limit as a dashed line in the same
 * colour, the refused step as a marked vertical line. Pure and free of vscode so tests can read it.
 * Colours come from classes (the webview's CSS maps them to VS Code's chart colours): the content
 * security policy forbids inline styles.
 */

export interface ChartSeries {
  id: string;
  /** [step index, slots] for the steps where the consumer exists. */
  points: Array<[number, number]>;
  limit: number | null;
}

const width = 640;
const height = 260;
const margin = { left: 44, right: 16, top: 14, bottom: 40 };
/** A limit more than this many times the highest use is listed, not drawn (KVM's 32764 would flatten every line). */
const limitScaleFactor = 4;
const seriesColours = 6;

/** Consumers of the report (in its order) plus any that only appear in the steps (e.g. one removed later). */
export function chartSeries(machine: MachineReport): ChartSeries[] {
  const ids: string[] = machine.consumers.map((consumer) => consumer.id);
  for (const step of machine.steps) for (const id of Object.keys(step.usage ?? {})) if (!ids.includes(id)) ids.push(id);
  // A refused vhost back-end never becomes a consumer; its limit is still the point of the chart.
  const refused = refusedConsumer(machine);
  return ids.map((id) => {
    const points: Array<[number, number]> = [];
    machine.steps.forEach((step, index) => {
      const used = step.usage?.[id];
      if (used !== undefined) points.push([index, used]);
    });
    const consumer = machine.consumers.find((row) => row.id === id);
    return { id, points, limit: consumer?.limit ?? (refused?.id === id ? refused.limit : null) };
  }).concat(refused && !ids.includes(refused.id) ? [{ id: refused.id, points: [], limit: refused.limit }] : []);
}

/** The back-end refused at the refused step, with the limit the simulator resolved for it. */
function refusedConsumer(machine: MachineReport): { id: string; limit: number | null } | null {
  const step = machine.steps.find((candidate) => candidate.step === machine.refusedStep);
  if (!step || step.action !== 'vhost-init' || !machine.refusedBy || step.limit === undefined) return null;
  return { id: machine.refusedBy, limit: step.limit };
}

export function renderChart(machine: MachineReport): string {
  const steps = machine.steps;
  if (steps.length === 0 || !steps.some((step) => step.usage)) {
    return '<p class="muted">No slot use per step for this machine (it was not simulated).</p>';
  }
  const series = chartSeries(machine);
  const highestUse = Math.max(1, ...series.flatMap((s) => s.points.map(([, used]) => used)));
  const drawnLimit = (limit: number | null): limit is number => limit !== null && limit <= Math.max(highestUse, 8) * limitScaleFactor;
  const top = axisTop(Math.max(highestUse, ...series.map((s) => (drawnLimit(s.limit) ? s.limit : 0))) * 1.1);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (index: number): number => margin.left + (steps.length === 1 ? plotWidth / 2 : (index * plotWidth) / (steps.length - 1));
  const y = (slots: number): number => margin.top + plotHeight - (slots / top) * plotHeight;
  const fmt = (n: number): string => n.toFixed(1);

  const parts: string[] = [];
  parts.push(`<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<title>Memory slots in use after each step of QEMU's plug order</title>`);
  // Axes and a few horizontal grid lines with their values.
  for (const tick of ticks(top)) {
    parts.push(`<line class="grid" x1="${margin.left}" x2="${width - margin.right}" y1="${fmt(y(tick))}" y2="${fmt(y(tick))}"/>`);
    parts.push(`<text class="axis-label" x="${margin.left - 6}" y="${fmt(y(tick) + 4)}" text-anchor="end">${tick}</text>`);
  }
  parts.push(`<line class="axis" x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}"/>`);
  parts.push(`<line class="axis" x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}"/>`);
  steps.forEach((step, index) => {
    parts.push(`<text class="axis-label step-label" x="${fmt(x(index))}" y="${margin.top + plotHeight + 14}" text-anchor="middle">${step.step}<title>${escapeHtml(`${step.step}. ${step.action} ${step.label}`)}</title></text>`);
  });
  parts.push(`<text class="axis-label" x="${margin.left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">plug step</text>`);

  const refusedIndex = steps.findIndex((step) => step.step === machine.refusedStep);
  if (refusedIndex >= 0) {
    const refused = steps[refusedIndex];
    parts.push(`<g class="refused-marker" data-step="${refused.step}">`);
    parts.push(`<line class="refused" x1="${fmt(x(refusedIndex))}" x2="${fmt(x(refusedIndex))}" y1="${margin.top}" y2="${margin.top + plotHeight}"/>`);
    parts.push(`<text class="refused-label" x="${fmt(x(refusedIndex))}" y="${margin.top + 10}" text-anchor="${refusedIndex > steps.length / 2 ? 'end' : 'start'}" dx="${refusedIndex > steps.length / 2 ? -4 : 4}">✕ refused: ${escapeHtml(refused.label)}</text>`);
    parts.push(`<title>${escapeHtml(`Step ${refused.step}: ${refused.error ?? 'refused'}`)}</title></g>`);
  }

  series.forEach((s, index) => {
    const colour = `series-${index % seriesColours}`;
    if (drawnLimit(s.limit)) {
      parts.push(`<line class="limit ${colour}" data-consumer="${escapeHtml(s.id)}" x1="${margin.left}" x2="${width - margin.right}" y1="${fmt(y(s.limit))}" y2="${fmt(y(s.limit))}" stroke-dasharray="6 4"><title>${escapeHtml(`${s.id} limit ${s.limit}`)}</title></line>`);
    }
    if (s.points.length === 0) return;
    const points = s.points.map(([step, used]) => `${fmt(x(step))},${fmt(y(used))}`).join(' ');
    parts.push(`<polyline class="usage ${colour}" data-consumer="${escapeHtml(s.id)}" points="${points}"><title>${escapeHtml(s.id)}</title></polyline>`);
    for (const [step, used] of s.points) {
      parts.push(`<circle class="point ${colour}" cx="${fmt(x(step))}" cy="${fmt(y(used))}" r="2.5"><title>${escapeHtml(`${s.id}: ${used} after step ${steps[step].step}`)}</title></circle>`);
    }
  });
  parts.push('</svg>');

  const legend = series.map((s, index) => {
    const limit = s.limit === null ? 'no limit' : drawnLimit(s.limit) ? `limit ${s.limit} (dashed)` : `limit ${s.limit} (above the chart)`;
    const last = s.points.at(-1)?.[1];
    return `<li><span class="swatch series-${index % seriesColours}" aria-hidden="true"></span><code>${escapeHtml(s.id)}</code>: ${last === undefined ? 'not started' : `${last} used`}, ${limit}</li>`;
  });
  return `<figure class="chart-figure">${parts.join('')}<figcaption><ul class="legend">${legend.join('')}</ul></figcaption></figure>`;
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
