import type { DeviceRow, MachineReport, MemslotReport, PlugStep, ProtocolRange, ReportFinding } from '../../../server/src/protocol';
import { renderChart } from './chart';
import { escapeHtml, inlineCode } from './escape';
import { reportVerdict } from './verdict';

/**
 * The memslot report as HTML: a body (chart, plug steps, devices, host assumptions, findings) and
 * the webview document around it. Pure: no vscode, so unit tests check the markup directly. Every
 * piece of the user's text goes through escapeHtml; links carry their target in data attributes
 * that the webview script turns into messages (the CSP allows no inline handlers).
 */

export function renderReportBody(report: MemslotReport | null, sourceName: string): string {
  const name = escapeHtml(sourceName);
  if (!report) {
    return `<header><h1>memslot report: ${name}</h1></header><p class="muted">This file is not a QEMU command line or a libvirt domain, or the language server has not read it yet.</p>`;
  }
  const verdict = reportVerdict(report);
  const parts: string[] = [];
  parts.push(`<header><h1>memslot report: ${name}</h1><p class="verdict verdict-${verdict.severity}" data-verdict="${escapeHtml(verdict.text)}">${escapeHtml(verdict.text)}</p></header>`);
  if (report.findings.length > 0) parts.push(section('Findings', renderFindings(report.findings)));
  if (report.machines.length === 0 && report.findings.length === 0) parts.push('<p class="muted">No QEMU invocation or domain found in this file.</p>');
  report.machines.forEach((machine, index) => parts.push(renderMachine(machine, index, report.machines.length)));
  return parts.join('\n');
}

function renderMachine(machine: MachineReport, index: number, count: number): string {
  const heading = `${count > 1 ? `Machine ${index + 1}: ` : ''}<code>${escapeHtml(machine.title)}</code>`;
  const outcome = machine.outcome === 'starts'
    ? '<p class="outcome outcome-starts">✓ QEMU starts.</p>'
    : machine.outcome === 'refused'
      ? `<p class="outcome outcome-refused">✗ QEMU refuses <code>${escapeHtml(machine.refusedBy ?? '?')}</code>${machine.refusedReason ? `: ${inlineCode(machine.refusedReason)}` : ''}</p>`
      + `<blockquote class="qemu-error muted">QEMU: ${escapeHtml(machine.error ?? '')}${machine.hint ? `<br>${escapeHtml(machine.hint)}` : ''}</blockquote>`
      : '<p class="outcome muted">Not simulated (see the findings).</p>';
  const uncertain = machine.uncertain?.length
    ? `<p class="uncertain">Uncertain: ${machine.uncertain.map((what) => escapeHtml(what)).join('; ')}. Findings that depend on these values are withheld until the script defines them.</p>`
    : '';
  return `<section class="machine" data-machine="${index}">
<h2>${heading} ${revealLink(machine.headRange, 'source')}</h2>
${outcome}${uncertain}
${section('Slot use over the plug order', renderChart(machine) + renderPlugOrder(machine))}
${section('Memory devices', renderDevices(machine.devices))}
${section(`Consumers${machine.slotMoment ? ` (slots ${machine.slotMoment})` : ''}`, renderConsumers(machine))}
${section('Host assumptions', renderHost(machine))}
${section('Findings', renderFindings(machine.findings))}
</section>`;
}

function section(title: string, body: string): string {
  return `<section><h3>${escapeHtml(title)}</h3>${body}</section>`;
}

function renderPlugOrder(machine: MachineReport): string {
  if (machine.steps.length === 0) return '';
  const why = machine.plugOrder.length ? `<ul class="muted plug-order">${machine.plugOrder.map((line) => `<li>${inlineCode(line)}</li>`).join('')}</ul>` : '';
  const rows = machine.steps.map((step) => stepRow(step, step.step === machine.refusedStep)).join('');
  return `<details class="steps"><summary>Plug steps (${machine.steps.length})</summary>${why}
<div class="table-wrap"><table class="steps-table"><thead><tr><th>#</th><th>phase</th><th>action</th><th>item</th><th>result</th><th>slots after</th><th>why</th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

function stepRow(step: PlugStep, refused: boolean): string {
  const usage = step.usage ? Object.entries(step.usage).map(([id, used]) => `${escapeHtml(id)} ${used}`).join(', ') : '';
  const why = [...step.explanations, ...(step.error ? [step.error] : [])].map((line) => inlineCode(line)).join('<br>');
  return `<tr class="${refused ? 'refused-row' : ''}"><td>${step.step}</td><td>${escapeHtml(step.phase)}</td><td>${escapeHtml(step.action)}</td>`
    + `<td>${step.range ? revealLink(step.range, step.label) : escapeHtml(step.label)}</td><td class="result-${escapeHtml(step.result)}">${escapeHtml(step.result)}</td>`
    + `<td>${usage}</td><td class="why">${why}</td></tr>`;
}

function renderDevices(devices: DeviceRow[]): string {
  if (devices.length === 0) return '<p class="muted">No memory devices.</p>';
  const rows = devices.map((device) => `<tr data-device="${escapeHtml(device.id)}"><td>${device.range ? revealLink(device.range, device.id) : escapeHtml(device.id)}</td>`
    + `<td>${escapeHtml(device.driver)}</td><td class="num">${formatBytes(device.sizeBytes)}</td><td class="num">${device.memslots}</td>`
    + `<td class="num">${device.memslotSizeBytes === null ? '—' : formatBytes(device.memslotSizeBytes)}</td><td class="num">${device.mapped}</td>`
    + `<td class="num">${device.mappedAfterGuestPlug}</td><td>${device.dynamicMemslots ? 'on' : 'off'}${device.autoDecided ? ' (auto-decided)' : ''}</td>`
    + `<td>${escapeHtml(device.status)}</td><td class="num">${formatBytes(device.metadataBytes.withTdpMmu)}</td></tr>`).join('');
  return `<div class="table-wrap"><table class="devices"><thead><tr><th>id</th><th>driver</th><th>size</th><th>memslots</th><th>memslot size</th><th>mapped at start</th><th>mapped after guest plug</th><th>dynamic-memslots</th><th>status</th><th>KVM metadata (TDP MMU)</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function renderConsumers(machine: MachineReport): string {
  if (machine.consumers.length === 0) return '<p class="muted">No slot consumers (not simulated, or TCG without vhost).</p>';
  const rows = machine.consumers.map((consumer) => `<tr><td><code>${escapeHtml(consumer.id)}</code></td><td>${escapeHtml(consumer.name)}</td>`
    + `<td class="num">${consumer.used}</td><td class="num">${consumer.usedAfterGuestPlug}</td><td class="num">${consumer.reserved}</td>`
    + `<td class="num">${consumer.limit ?? 'none'}${consumer.limitKnown ? '' : ' (assumed)'}</td><td class="num">${consumer.headroom ?? '—'}</td><td class="muted">${escapeHtml(consumer.limitOrigin)}</td></tr>`).join('');
  return `<div class="table-wrap"><table><thead><tr><th>id</th><th>consumer</th><th>used</th><th>after guest plug</th><th>reserved</th><th>limit</th><th>headroom</th><th>limit from</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function renderHost(machine: MachineReport): string {
  if (machine.host.length === 0) return '<p class="muted">None.</p>';
  const rows = machine.host.map((row) => `<tr><td>${escapeHtml(row.name)}</td><td><code>${escapeHtml(row.value)}</code></td><td class="source source-${escapeHtml(row.source)}">${escapeHtml(row.source)}</td><td class="muted">${escapeHtml(row.origin)}</td></tr>`).join('');
  return `<div class="table-wrap"><table class="host"><thead><tr><th>assumption</th><th>value</th><th>source</th><th>origin</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function renderFindings(findings: ReportFinding[]): string {
  if (findings.length === 0) return '<p class="muted">No findings.</p>';
  const items = findings.map((finding) => {
    const related = finding.related.length
      ? `<ul>${finding.related.map((info) => `<li>${revealLink(info.range, `line ${info.range.start.line + 1}`)}: ${inlineCode(info.message)}</li>`).join('')}</ul>`
      : '';
    return `<li class="finding severity-${finding.severity}" data-code="${escapeHtml(finding.code)}">`
      + `<a href="#" class="doc-link" data-doc-code="${escapeHtml(finding.code)}" data-doc-url="${escapeHtml(finding.docUrl)}">${escapeHtml(finding.code)}</a> `
      + `<span class="severity">${finding.severity}</span> ${revealLink(finding.range, `line ${finding.range.start.line + 1}`)}: ${inlineCode(finding.message)}${related}</li>`;
  });
  return `<ul class="findings">${items.join('')}</ul>`;
}

/** A link that asks the extension to select `range` in the source editor. */
export function revealLink(range: ProtocolRange, text: string): string {
  const value = [range.start.line, range.start.character, range.end.line, range.end.character].join(',');
  return `<a href="#" class="reveal" data-range="${value}">${escapeHtml(text)}</a>`;
}

/** Reads a data-range value back; null when it is not four non-negative integers. */
export function parseRevealRange(value: unknown): ProtocolRange | null {
  if (typeof value !== 'string') return null;
  const numbers = value.split(',').map(Number);
  if (numbers.length !== 4 || numbers.some((n) => !Number.isInteger(n) || n < 0)) return null;
  const [startLine, startCharacter, endLine, endCharacter] = numbers;
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
  return `${text} ${units[unit]}`;
}

export interface ReportDocumentOptions {
  /** webview.cspSource */
  cspSource: string;
  /** Fresh per document: the only script and style allowed carry it. */
  nonce: string;
  title: string;
  body: string;
}

/** The whole webview document: strict CSP, the themed style sheet and the small click/update script. */
export function renderReportDocument(options: ReportDocumentOptions): string {
  const nonce = escapeHtml(options.nonce);
  const csp = [
    "default-src 'none'",
    `style-src ${options.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${options.cspSource} data:`,
    `font-src ${options.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
<style nonce="${nonce}">${styleSheet}</style>
</head>
<body>
<main id="report">${options.body}</main>
<script nonce="${nonce}">${webviewScript}</script>
</body>
</html>`;
}

const chartColours = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-yellow', '--vscode-charts-red'];

/** Themed only through VS Code's CSS variables, so light, dark and high-contrast themes all work. */
const styleSheet = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 24px; }
h1 { font-size: 1.3em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); padding-bottom: 4px; } h3 { font-size: 1em; margin: 1.2em 0 0.4em; }
code { font-family: var(--vscode-editor-font-family); }
a { color: var(--vscode-textLink-foreground); cursor: pointer; } a:hover { color: var(--vscode-textLink-activeForeground); }
a:focus { outline: 1px solid var(--vscode-focusBorder); }
.muted { color: var(--vscode-descriptionForeground); }
.verdict { font-weight: 600; } .verdict-error, .outcome-refused, .result-refused, .result-hang { color: var(--vscode-errorForeground); }
.uncertain, .verdict-warning, .result-warning { color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); }
.outcome-starts, .verdict-information { color: var(--vscode-charts-green, var(--vscode-foreground)); }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin: 4px 0; width: 100%; table-layout: auto; } td { overflow-wrap: break-word; } td.why, td.muted, td.source + td { overflow-wrap: anywhere; min-width: 8em; } td.num, td:first-child { white-space: nowrap; } th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent)); vertical-align: top; }
th { color: var(--vscode-descriptionForeground); font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.why { color: var(--vscode-descriptionForeground); max-width: 40em; }
tr.refused-row td { background: var(--vscode-inputValidation-errorBackground, transparent); }
.findings { padding-left: 1.2em; } .finding { margin: 4px 0; } .severity { color: var(--vscode-descriptionForeground); }
.severity-error .severity { color: var(--vscode-errorForeground); } .severity-warning .severity { color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); }
.chart-figure { margin: 0; max-width: 760px; } svg.chart { font-family: var(--vscode-font-family); }
svg .axis { stroke: var(--vscode-foreground); stroke-width: 1; } svg .grid { stroke: var(--vscode-editorWidget-border, var(--vscode-contrastBorder, currentColor)); stroke-opacity: 0.5; stroke-width: 0.5; }
svg .axis-label { fill: var(--vscode-descriptionForeground); font-size: 10px; }
svg .usage { fill: none; stroke-width: 2; } svg .limit { stroke-width: 1.5; } svg .point { stroke: none; }
svg .refused { stroke: var(--vscode-errorForeground); stroke-width: 2; stroke-dasharray: 2 2; } svg .refused-label { fill: var(--vscode-errorForeground); font-size: 11px; font-weight: 600; }
svg .refused-reason { fill: var(--vscode-errorForeground); font-size: 10px; }
svg .decision { stroke: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); stroke-width: 1.5; stroke-dasharray: 5 3; } svg .decision-label { fill: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); font-size: 10px; font-weight: 600; }
svg .demand { fill: none; stroke-width: 1.5; } svg .demand-bar { stroke-width: 6; stroke-opacity: 0.6; } svg .limit-label { font-size: 10px; stroke: none; }
blockquote.qemu-error { margin: 4px 0 8px; padding-left: 8px; border-left: 2px solid var(--vscode-textBlockQuote-border, var(--vscode-contrastBorder, currentColor)); overflow-wrap: anywhere; }
${[0, 1, 2, 3, 4, 5].map((i) => `.series-${i} { stroke: var(${chartColours[i]}); } circle.series-${i}, text.series-${i} { fill: var(${chartColours[i]}); } .swatch.series-${i} { background: var(${chartColours[i]}); }`).join('\n')}
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; } .swatch { display: inline-block; width: 12px; height: 3px; margin-right: 6px; vertical-align: middle; }
details.steps summary { cursor: pointer; margin: 6px 0; }
`;

/** Runs inside the webview: swaps in new bodies and turns link clicks into messages. */
const webviewScript = `
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('report');
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'render' && typeof message.body === 'string') root.innerHTML = message.body;
  });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('a') : null;
    if (!target) return;
    if (target.dataset.range) {
      event.preventDefault();
      vscode.postMessage({ type: 'reveal', range: target.dataset.range });
    } else if (target.dataset.docCode) {
      event.preventDefault();
      vscode.postMessage({ type: 'docs', code: target.dataset.docCode, url: target.dataset.docUrl });
    }
  });
  vscode.postMessage({ type: 'ready' });
}());
`;
