// The report webview's markup (client/src/report), checked without VS Code. Hand-made reports give
// exact expectations; one test renders the README example end to end through the real pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MachineReport, MemslotReport, PlugStep } from '../../server/src/protocol';
import { chartSeries, renderChart } from '../../client/src/report/chart';
import { escapeHtml } from '../../client/src/report/escape';
import { formatBytes, parseRevealRange, renderReportBody, renderReportDocument } from '../../client/src/report/render';
import { reportVerdict } from '../../client/src/report/verdict';
import { analyzeText } from '../../server/src/analysis';
import { buildReport } from '../../server/src/features/report';
import { scriptText } from './features-fixtures';

const r = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 5 } });

function step(n: number, label: string, usage: Record<string, number>, extra: Partial<PlugStep> = {}): PlugStep {
  return { step: n, phase: 'devices', action: 'memory-device-plug', label, range: r(n), result: 'ok', error: null, explanations: [], usage, ...extra };
}

/** vu8 then two dimms, the second refused: KVM 3→4→5, fs0 2→3 (limit 8), like the oracle's vu8-then-dimms. */
function machine(overrides: Partial<MachineReport> = {}): MachineReport {
  return {
    range: r(0), headRange: r(0), title: 'qemu-system-x86_64 -machine q35',
    outcome: 'refused', refusedBy: 'dimm1', error: 'a used vhost backend has not enough free memory slots left', hint: null,
    refusedStep: 4, plugOrder: ['netdevs first'],
    steps: [
      step(1, 'machine', { kvm: 0 }, { phase: 'machine', action: 'machine-init' }),
      step(2, 'fs0', { kvm: 3, fs0: 2 }, { action: 'vhost-init', limit: 8 }),
      step(3, 'dimm0', { kvm: 4, fs0: 3 }),
      step(4, 'dimm1', { kvm: 4, fs0: 3 }, { result: 'refused', error: 'a used vhost backend has not enough free memory slots left' }),
    ],
    consumers: [
      { id: 'kvm', kind: 'kvm', name: 'KVM', used: 4, limit: 32764, limitKnown: true, limitOrigin: 'default', reserved: 0, headroom: 32760, usedAfterGuestPlug: 4 },
      { id: 'fs0', kind: 'vhost-user', name: 'vhost-user fs0', used: 3, limit: 8, limitKnown: true, limitOrigin: 'directive', reserved: 0, headroom: 5, usedAfterGuestPlug: 3 },
    ],
    devices: [{
      id: 'dimm0', driver: 'pc-dimm', range: r(3), sizeBytes: 2 ** 30, memslots: 1, memslotSizeBytes: null, mapped: 1, mappedAfterGuestPlug: 1,
      dynamicMemslots: false, autoDecided: false, status: 'plugged', metadataBytes: { withTdpMmu: 2 ** 21, withoutTdpMmu: 2 ** 22 },
    }],
    host: [
      { name: 'QEMU version', value: '10.0', source: 'default', origin: 'built-in default' },
      { name: 'KVM memslots per address space', value: '32764', source: 'default', origin: 'built-in default' },
      { name: 'vhost-user backend /tmp/vu.sock', value: '8', source: 'directive', origin: 'line 3' },
    ],
    findings: [{ code: 'MS002', severity: 'error', message: 'fs0 out of slots', range: r(4), related: [{ message: 'fs0 starts here', range: r(2) }], docUrl: 'https://example.org/MS002.md' }],
    ...overrides,
  };
}

function report(m: MachineReport = machine()): MemslotReport {
  return { uri: 'file:///vm.sh', kind: 'shell', version: 1, machines: [m], findings: [] };
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

test('the chart has one use line per consumer labelled by device ids, dotted limits within scale, and the refused step marked with its reason', () => {
  const svg = renderChart(machine({ refusedReason: 'fs0 has 5 free memslots < 1 required + 5 reserved' }));
  assert.equal(count(svg, '<polyline class="usage'), 2);
  assert.match(svg, /<polyline class="usage series-0" data-consumer="KVM"/);
  assert.match(svg, /<polyline class="usage series-1" data-consumer="fs0"/);
  // KVM's points: steps 1..4 → 4 points; fs0 exists from step 2 → 3 points.
  const points = (id: string) => /points="([^"]*)"/.exec(svg.slice(svg.indexOf(`class="usage series-${id === 'KVM' ? 0 : 1}" data-consumer="${id}" points`)))?.[1].split(' ').length;
  assert.equal(points('KVM'), 4);
  assert.equal(points('fs0'), 3);
  // fs0's limit 8 is drawn, labelled at the right; KVM's 32764 would flatten the chart, so it is only listed.
  assert.equal(count(svg, 'class="limit '), 1);
  assert.match(svg, /<line class="limit series-1" data-consumer="fs0"[^>]*stroke-dasharray/);
  assert.match(svg, />fs0 limit 8</);
  assert.match(svg, /limit 32764 \(above the chart\)/);
  // The x axis names the devices, not step numbers.
  for (const id of ['machine', 'fs0', 'dimm0', 'dimm1']) assert.match(svg, new RegExp(`class="axis-label step-label"[^>]*>${id}<title>`));
  assert.match(svg, /<g class="refused-marker" data-step="4">/);
  assert.match(svg, /refused: dimm1/);
  assert.match(svg, /class="refused-reason"[^>]*>fs0 has 5 free memslots &lt; 1 required \+ 5 reserved</);
  // Every point has a tooltip.
  assert.equal(count(svg, '<circle'), count(svg, '<circle') - count(svg.replace(/<circle[^>]*><title>[^<]+<\/title><\/circle>/g, ''), '<circle'));
});

test('used + reserved is drawn against the limit and the auto-decision is marked where it happens', () => {
  const m = machine({
    refusedBy: 'fs0', refusedStep: 3, refusedReason: 'vm0 decided more than one memslot; a back-end limit of 32 is below 509: refused',
    steps: [
      step(1, 'machine', { kvm: 0 }, { phase: 'machine', action: 'machine-init', short: 'machine' }),
      step(2, 'vm0 (virtio-mem-pci)', { kvm: 3 }, { short: 'vm0', reserved: 64, autoDecision: { id: 'vm0', memslots: 64 } }),
      step(3, 'fs0 (vhost-user-fs-pci)', { kvm: 3 }, { short: 'fs0', action: 'vhost-init', result: 'refused', limit: 32, reserved: 64 }),
    ],
    consumers: [
      { ...machine().consumers[0], used: 3, reserved: 64 },
      { id: 'fs0', kind: 'vhost-user', name: 'vhost-user fs0 (refused)', used: 2, limit: 32, limitKnown: true, limitOrigin: 'directive', reserved: 64, headroom: 0, usedAfterGuestPlug: 2 },
    ],
  });
  const svg = renderChart(m);
  assert.match(svg, /<g class="decision-marker" data-step="2">/);
  assert.match(svg, /vm0 decides 64 memslots/);
  // The refused back-end: 2 in use + 64 reserved at its own step, over its limit of 32.
  assert.match(svg, /<line class="demand-bar series-1" data-consumer="fs0"/);
  assert.match(svg, /fs0 after fs0: 2 in use \+ 64 reserved = 66 &gt; limit 32/);
  const y = (pattern: RegExp): number => Number(pattern.exec(svg)?.[1]);
  const limitY = y(/class="limit series-1"[^>]* y1="([\d.]+)"/);
  const demandTop = y(/class="demand-bar series-1"[^>]* y2="([\d.]+)"/);
  assert.ok(demandTop < limitY, 'the demand bar rises above the limit line');
});

test('the limit line sits at its value on the same scale as the use lines', () => {
  const svg = renderChart(machine());
  const y = (pattern: RegExp): number => Number(pattern.exec(svg)?.[1]);
  const limitY = y(/class="limit series-1"[^>]* y1="([\d.]+)"/);
  // fs0 at 2 (step 2) and 3 (step 3): the plot maps slots linearly, so 8 lies 5 × (y(2) − y(3)) above y(3).
  const circles = [...svg.matchAll(/<circle class="point series-1" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
  const [at2, at3] = circles;
  assert.ok(Math.abs(limitY - (at3 - 5 * (at2 - at3))) < 0.2, `limit y ${limitY}, y(2) ${at2}, y(3) ${at3}`);
});

test('a refused vhost back-end that never became a consumer still gets its limit line', () => {
  const m = machine({
    refusedBy: 'fs9', refusedStep: 2,
    steps: [step(1, 'vm0', { kvm: 3 }), step(2, 'fs9', { kvm: 3 }, { action: 'vhost-init', result: 'refused', limit: 32 })],
    consumers: [machine().consumers[0]],
  });
  const series = chartSeries(m);
  assert.deepEqual(series.map((s) => [s.id, s.points.length, s.limit]), [['KVM', 2, 32764], ['fs9', 0, 32]]);
  const svg = renderChart(m);
  assert.match(svg, /<line class="limit series-1" data-consumer="fs9"/);
  assert.equal(count(svg, '<polyline'), 1);
});

test('user text is escaped everywhere: ids, labels, messages, titles', () => {
  const evil = '<script>alert(1)</script>';
  const m = machine({
    title: evil, refusedBy: evil, error: evil,
    steps: [step(1, evil, { [evil]: 1 }), step(2, 'x', { [evil]: 2 }, { result: 'refused', explanations: [evil] })],
    refusedStep: 2,
    consumers: [{ ...machine().consumers[1], id: evil, name: evil, limitOrigin: evil }],
    devices: [{ ...machine().devices[0], id: evil, driver: evil }],
    host: [{ name: evil, value: evil, source: 'directive', origin: evil }],
    findings: [{ ...machine().findings[0], message: evil, code: evil, docUrl: `"><img src=x onerror=alert(1)>` }],
  });
  const html = renderReportBody(report(m), `${evil}.sh`);
  assert.ok(!html.includes('<script'), 'no raw <script> from user text');
  assert.ok(!html.includes('<img'), 'no element injected through an attribute');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  const document = renderReportDocument({ cspSource: 'vscode-webview:', nonce: 'abc123', title: evil, body: html });
  // The only script is ours, with the nonce.
  assert.equal(count(document, '<script'), 1);
  assert.match(document, /<script nonce="abc123">/);
  assert.equal(escapeHtml(`a&b"c'd`), 'a&amp;b&quot;c&#39;d');
});

test('the document carries a strict content security policy and no remote content', () => {
  const html = renderReportDocument({ cspSource: 'https://self.vscode-cdn.net', nonce: 'n0nce', title: 't', body: renderReportBody(report(), 'vm.sh') });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /^default-src 'none';/);
  assert.match(csp, /script-src 'nonce-n0nce'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(html, /<style nonce="n0nce">/);
  // No inline style attributes (the CSP would block them) and no remote URL in the markup.
  assert.doesNotMatch(html, /\sstyle="/);
  assert.doesNotMatch(html.replace(csp, ''), /(src|href)="https?:/);
  // Colours come from the theme.
  assert.match(html, /var\(--vscode-charts-blue\)/);
  assert.match(html, /var\(--vscode-editor-background\)/);
});

test('tables: devices with memslots and mapped slots, host assumptions with their sources, findings as reveal links', () => {
  const html = renderReportBody(report(), 'vm.sh');
  assert.match(html, /<tr data-device="dimm0"><td><a href="#" class="reveal" data-range="3,0,3,5">dimm0<\/a><\/td><td>pc-dimm<\/td><td class="num">1 GiB<\/td><td class="num">1<\/td>/);
  assert.match(html, /vhost-user backend \/tmp\/vu.sock<\/td><td><code>8<\/code><\/td><td class="source source-directive">directive/);
  assert.match(html, /data-doc-code="MS002" data-doc-url="https:\/\/example.org\/MS002.md"/);
  assert.match(html, /<a href="#" class="reveal" data-range="4,0,4,5">line 5<\/a>: fs0 out of slots/);
  assert.match(html, /data-range="2,0,2,5">line 3<\/a>: fs0 starts here/);
  assert.deepEqual(parseRevealRange('4,0,4,5'), r(4));
  assert.equal(parseRevealRange('4,0,x,5'), null);
  assert.equal(parseRevealRange('1,2,3'), null);
  assert.equal(formatBytes(2 ** 30), '1 GiB');
  assert.equal(formatBytes(4582277120), '4.27 GiB');
});

test('verdicts: refused by <id>, N findings, starts', () => {
  assert.equal(reportVerdict(report()).text, 'refused by dimm1');
  const starts = machine({ outcome: 'starts', refusedBy: null, refusedStep: null, findings: [] });
  assert.equal(reportVerdict(report(starts)).text, 'starts');
  const withFinding = machine({ outcome: 'starts', refusedBy: null, refusedStep: null });
  assert.deepEqual([reportVerdict(report(withFinding)).text, reportVerdict(report(withFinding)).severity], ['1 finding', 'error']);
  assert.equal(reportVerdict(null).text, 'not analysed');
  // The watchdog dropped the analysis: no verdict, and its one MS910 finding is not "1 finding".
  const dropped = { ...report(withFinding), machines: [], notAnalysed: 'took longer than 2000 ms' };
  assert.deepEqual([reportVerdict(dropped).text, reportVerdict(dropped).severity], ['not analysed (too slow)', 'warning']);
  assert.match(reportVerdict(report()).host, /^QEMU 10\.0, KVM 32764 slots \(directive: 1\)$/);
});

test('the README example end to end: vm0 maps nothing, fs0 (32) is refused at its step', () => {
  const built = buildReport(analyzeText(scriptText, { path: 'vm.sh' }), 'file:///vm.sh', 1, (code) => `doc:${code}`);
  const [m] = built.machines;
  const vm0 = m.steps.find((s) => s.label.startsWith('vm0'));
  const fs0 = m.steps.find((s) => s.label.startsWith('fs0'));
  // While -devices are realised q35 -m 4G has 3 KVM slots; dynamic virtio-mem maps none
  // (docs/facts/x86-address-space.md#before-and-after-reset).
  assert.equal(vm0?.usage?.kvm, 3);
  assert.equal(fs0?.result, 'refused');
  assert.equal(fs0?.limit, 32);
  const svg = renderChart(m);
  assert.match(svg, new RegExp(`<g class="refused-marker" data-step="${fs0?.step}">`));
  assert.match(svg, /<line class="limit series-\d" data-consumer="fs0"/);
  assert.equal(count(svg, '<polyline class="usage'), chartSeries(m).filter((s) => s.points.length > 1).length);
  assert.match(svg, /vm0 decides 64 memslots/);
  assert.match(svg, /fs0 after fs0: 2 in use \+ 64 reserved = 66 &gt; limit 32/);
});

test('a verdict resting on values hidden by unknown expansions says it is uncertain, in the status and the report', () => {
  const hidden = machine({ outcome: 'starts', refusedBy: null, refusedStep: null, findings: [], uncertain: ['$MAX hides maxmem'] });
  assert.equal(reportVerdict(report(hidden)).text, 'starts (uncertain)');
  const body = renderReportBody(report(hidden), 'vm.sh');
  assert.match(body, /<p class="uncertain">Uncertain: \$MAX hides maxmem\./);
  const escaped = renderReportBody(report(machine({ uncertain: ['$<b>X</b> hides size'] })), 'vm.sh');
  assert.ok(escaped.includes('$&lt;b&gt;X&lt;/b&gt; hides size') && !escaped.includes('<b>X</b>'));
});

test('the short host line of the language status stays short', () => {
  assert.equal(reportVerdict(report()).hostShort, 'QEMU 10.0 · KVM 32764 · 1 set');
  assert.ok(`host ${reportVerdict(report()).hostShort}`.length <= 40);
});
