// UI test: memslot used as a person would, in code-server's workbench driven by chromium.
// Started by `node scripts/e2e/run-vscode.mjs ui --vsix memslot.vsix`, which installs the
// packaged extension, starts code-server and sets CS_URL, WS_DIR (a scratch copy of
// test/fixtures/e2e-ws), ARTIFACTS (screenshots) and CHROMIUM.
//
// What runs is the packaged extension, not the work tree: the first step checks that code-server
// lists memslot.memslot as installed from the .vsix (env VSIX, CS_BIN, CS_ARGS) with the .vsix's
// own bundles. The report is also shot in the light, dark and high-contrast themes, picked with
// F1 > Preferences: Color Theme.
// Prints `N passed, N failed` last; exit 1 on failure.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const projectRoot = process.env.PROJECT_ROOT ?? process.cwd();
const { chromium } = createRequire(path.join(projectRoot, 'package.json'))('playwright-core');

const { CS_URL, WS_DIR } = process.env;
if (!CS_URL || !WS_DIR) {
  console.error('CS_URL and WS_DIR are required (start this through scripts/e2e/run-vscode.mjs ui)');
  console.log('0 passed, 1 failed');
  process.exit(2);
}
const ARTIFACTS = process.env.ARTIFACTS ?? path.join(projectRoot, 'test-results/e2e');
fs.mkdirSync(ARTIFACTS, { recursive: true });
// Failure shots of an earlier run would read as this run's.
for (const file of fs.readdirSync(ARTIFACTS)) if (/^(fail-.*|error)\.png$/.test(file)) fs.rmSync(path.join(ARTIFACTS, file));

const t0 = Date.now();
const log = (...a) => console.log(`[ui +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
let passed = 0, failed = 0;
async function step(name, fn) {
  try { await fn(); passed++; log('PASS', name); }
  catch (e) {
    failed++;
    log('FAIL', name, '-', String(e?.message ?? e).split('\n').filter((l) => l.trim() && !l.includes('=====')).slice(0, 3).join(' | '));
    await shot(`fail-${name.replace(/\W+/g, '-')}`);
  }
}

const context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(WS_DIR, '..', 'ui-chromium-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
context.setDefaultTimeout(20_000);
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (e) => log('pageerror:', String(e).slice(0, 200)));
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) }).catch(() => {});

const editor = page.locator('.editor-instance .monaco-editor').first();
const quickInput = page.locator('.quick-input-widget input');
/** The report webview's document: VS Code nests it in an iframe inside the webview's iframe. */
const report = page.frameLocator('iframe.webview').frameLocator('#active-frame');
const problemsRow = (text) => page.locator('.markers-panel .monaco-list-row').filter({ hasText: text });

const sha256 = (buffer) => createHash('sha256').update(buffer).digest('hex');
/** One member of a zip archive (a .vsix), read with Info-ZIP's unzip. */
function unzip(archive, member) {
  const r = spawnSync('unzip', ['-p', archive, member], { maxBuffer: 64 << 20, timeout: 30_000 });
  if (r.status !== 0) throw new Error(`unzip -p ${archive} ${member}: ${r.stderr}`);
  return r.stdout;
}

/** Resolves when the element's animations (the hover's fade-in) are over: screenshots show it solid. */
const settled = (locator) => locator.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished))).catch(() => {});

/**
 * The element's box once it is on screen. The editor re-renders its lines when diagnostics or
 * decorations arrive, so an element found a moment ago may be detached when measured (Playwright
 * then answers null): measure again until a rendered one answers.
 */
async function renderedBox(locator, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await locator.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
    const box = await locator.boundingBox();
    if (box && box.width > 0) return box;
    if (Date.now() > deadline) throw new Error(`${what} is not rendered`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Opens `relative` by clicking through the explorer tree, as a user would. */
async function openFromExplorer(relative) {
  await page.keyboard.press('Control+Shift+E');
  const tree = page.locator('.explorer-folders-view');
  const parts = relative.split('/');
  for (const [i, part] of parts.entries()) {
    const row = tree.getByRole('treeitem', { name: part, exact: true }).first();
    await row.waitFor();
    const isFolder = i < parts.length - 1;
    if (isFolder && (await row.getAttribute('aria-expanded')) === 'true') continue;
    await row.click();
  }
}

/** The quick-input row whose name is exactly `name` (not one that merely contains it). */
const quickRow = (name) => page.locator('.quick-input-list .monaco-list-row')
  .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();

/** Runs a command from the command palette (F1) by its exact title; `before` runs while its row is shown. */
async function runCommand(title, before = async () => {}) {
  await page.keyboard.press('F1');
  await quickInput.waitFor();
  await quickInput.fill(`>${title}`);
  const row = quickRow(title);
  await row.waitFor();
  await before();
  await row.click();
}

/** Opens `relative` through Quick Open (Ctrl+P). */
async function quickOpen(relative) {
  // Keyboard focus must be in the workbench (not a hover or a panel list) for Ctrl+P to reach it.
  await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } }).catch(() => page.locator('.monaco-workbench').click());
  await page.keyboard.press('Control+P');
  await quickInput.waitFor();
  await quickInput.fill(relative);
  const match = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: path.basename(relative) }).first();
  await match.waitFor().catch(async (e) => { await shot('debug-quick-open'); throw e; });
  await page.keyboard.press('Enter');
}

/** Polls `locator`'s text until it matches `pattern`; the error names the last text seen. */
async function waitForText(locator, pattern, what, timeout = 20_000) {
  const until = Date.now() + timeout;
  let text = '';
  for (;;) {
    text = ((await locator.innerText({ timeout: 2_000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (pattern.test(text)) return text;
    if (Date.now() > until) throw new Error(`${what}: '${text}' does not match ${pattern}`);
    await locator.page().waitForTimeout(100);   // a poll interval, not a sleep standing in for a condition
  }
}

try {
  await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS_DIR)}`, { timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  log('workbench loaded');

  await step('the packaged memslot.vsix is what code-server has installed', async () => {
    const { VSIX, CS_BIN, CS_ARGS } = process.env;
    if (!VSIX || !CS_BIN || !CS_ARGS) throw new Error('VSIX, CS_BIN and CS_ARGS are required');
    const manifest = JSON.parse(unzip(VSIX, 'extension/package.json').toString('utf8'));
    const id = `${manifest.publisher}.${manifest.name}`;
    const listed = spawnSync(CS_BIN, [...JSON.parse(CS_ARGS), '--list-extensions', '--show-versions'], { encoding: 'utf8', timeout: 60_000 });
    if (!listed.stdout.split('\n').includes(`${id}@${manifest.version}`)) throw new Error(`${id}@${manifest.version} not in: ${listed.stdout}${listed.stderr}`);
    const extensionsDir = JSON.parse(CS_ARGS)[JSON.parse(CS_ARGS).indexOf('--extensions-dir') + 1];
    const installed = path.join(extensionsDir, `${id}-${manifest.version}`);
    // The server starts its analyses in dist/analysis-worker.js: the package must carry it.
    for (const file of ['dist/extension.js', 'dist/server.js', 'dist/analysis-worker.js']) {
      const mine = sha256(fs.readFileSync(path.join(installed, file)));
      if (mine !== sha256(unzip(VSIX, `extension/${file}`))) throw new Error(`${installed}/${file} differs from the .vsix`);
    }
    if (fs.existsSync(path.join(installed, 'server/src'))) throw new Error('the package carries the TypeScript sources');
    log(`  ${id}@${manifest.version} installed from ${path.basename(VSIX)} into ${installed}`);
  });

  await step('open a QEMU script from the explorer and see the error squiggle', async () => {
    await openFromExplorer('qemu/bad-size.sh');
    await editor.locator('.view-lines').filter({ hasText: '-m 4X' }).waitFor();
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    await shot('1-squiggle');
  });

  await step('the Problems panel lists MS902 with its position', async () => {
    await page.keyboard.press('Control+Shift+M');
    const row = problemsRow('MS902').first();
    await row.waitFor();
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    log('  problems row:', text);
    // "-m 4X" is on line 3; "4X" starts at column 36 (1-based) of that line in the fixture.
    if (!/Ln 3, Col 36/.test(text)) throw new Error(`unexpected position in '${text}'`);
    await shot('2-problems');
  });

  await step('hovering the squiggle shows the diagnostic', async () => {
    await page.keyboard.press('Escape');
    const box = await renderedBox(editor.locator('.squiggly-error').first(), 'the squiggle');
    // Two moves: the hover controller reacts to mouse movement, not to a position.
    await page.mouse.move(box.x + box.width / 2 - 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover').filter({ hasText: 'MS902' }).first();
    await hover.waitFor({ state: 'visible' });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    log('  hover:', text);
    if (!/size/i.test(text)) throw new Error(`hover does not explain the size: ${text}`);
    await settled(hover);
    await shot('3-hover');
  });

  await step('open another script with Ctrl+P: no error squiggle on a valid one', async () => {
    await page.mouse.move(5, 5);
    await quickOpen('start-vm.sh');
    await editor.locator('.view-lines').filter({ hasText: 'maxmem=8G' }).waitFor();
    // Problems still shows bad-size.sh's entry, so the server has answered; start-vm.sh has none.
    await problemsRow('MS902').first().waitFor();
    if (await editor.locator('.squiggly-error').count()) throw new Error('error squiggle in a valid script');
  });

  await step('hovering the refused device shows the memslot breakdown', async () => {
    await quickOpen('qemu/refused-order.sh');
    await editor.locator('.view-lines').filter({ hasText: 'vhost-user-fs-pci' }).waitFor();
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    // Point at the device's name on its own line (other lines may carry other findings).
    const name = editor.locator('.view-line').filter({ hasText: '-device vhost-user-fs-pci' })
      .locator('span span').filter({ hasText: 'vhost-user-fs-pci' }).first();
    const box = await renderedBox(name, 'the vhost-user-fs-pci line');
    await page.mouse.move(box.x + 10, box.y + box.height / 2);
    await page.mouse.move(box.x + 14, box.y + box.height / 2);
    // The breakdown (not only the diagnostic's message) has the host assumptions and plug order.
    const hover = page.locator('.monaco-hover').filter({ hasText: /Host assumptions|Plug order/ }).first();
    await hover.waitFor({ state: 'visible' });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    if (!/\bvm0\b/.test(text)) throw new Error(`the breakdown does not name vm0: ${text.slice(0, 300)}`);
    await settled(hover);
    await shot('4-memslot-hover');
  });

  await step('apply the MS001 quick fix with the keyboard', async () => {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    // Caret on the refused device: its line and column, read from the fixture.
    const lines = fs.readFileSync(path.join(WS_DIR, 'qemu/refused-order.sh'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('-device vhost-user-fs-pci'));
    const column = lines[line].indexOf('-device vhost-user-fs-pci');
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+G');
    await quickInput.waitFor();
    await quickInput.fill(`:${line + 1}:${column + 2}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget .monaco-list-row').filter({ hasText: /^Move|Move / }).first().waitFor();
    await shot('5-quickfix-menu');
    await page.keyboard.press('Enter');                 // the preferred fix is focused
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached' });
    await shot('6-after-fix');
  });

  await step('undo the fix with Ctrl+Z: the squiggle comes back', async () => {
    await page.keyboard.press('Control+Z');
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
  });

  await step('open the memslot report from the command palette and see the chart', async () => {
    await runCommand('memslot: Show Memslot Report', () => shot('7-palette'));
    const tab = page.locator('.tabs-container .tab').filter({ hasText: 'memslot report: refused-order.sh' });
    await tab.waitFor();
    // docs/facts/test-vectors.md T6: QEMU refuses fs0; the chart has KVM's line, fs0's limit and the refused step.
    await report.locator('p.verdict[data-verdict="refused by fs0"]').waitFor({ timeout: 30_000 });
    await report.locator('svg.chart').first().waitFor();
    // Attached, not visible: a horizontal SVG line has an empty bounding box, which Playwright calls hidden.
    await report.locator('svg.chart polyline.usage[data-consumer="KVM"]').first().waitFor({ state: 'attached' });
    await report.locator('svg.chart line.limit[data-consumer="fs0"]').first().waitFor({ state: 'attached' });
    await report.locator('svg.chart g.refused-marker').first().waitFor({ state: 'attached' });
    await report.locator('tr[data-device="vm0"]').first().waitFor();
    await shot('8-report');
  });

  await step('the language status shows the verdict and the host profile', async () => {
    // The `{}` entry of the status bar; its hover lists the language status items.
    await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
    const entry = page.locator('[id="status.languageStatus"]');
    await entry.waitFor();
    await entry.locator('a, .statusbar-item-label').first().click();
    const item = page.locator('.hover-language-status').filter({ hasText: 'memslot: refused by fs0' }).first();
    await item.waitFor({ state: 'visible' });
    const text = (await item.innerText()).replace(/\s+/g, ' ');
    log('  language status:', text);
    // The defaults of the host profile (QEMU 10.0, KVM 32764 memslots on Linux 5.12+).
    if (!/host QEMU 10\.0(\.0)? · KVM 32764\b/.test(text)) throw new Error(`no host profile in '${text}'`);
    // The fade-in runs on the hover's container, not on the item.
    await settled(page.locator('.workbench-hover-container, .monaco-hover').filter({ has: item }).last());
    await shot('9-language-status');
    await page.keyboard.press('Escape');
  });

  for (const [theme, workbenchClass, webviewClass, file] of [
    ['Default Light Modern', 'vs', 'vscode-light', '10-report-light'],
    ['Default Dark Modern', 'vs-dark', 'vscode-dark', '11-report-dark'],
    ['Default High Contrast', 'hc-black', 'vscode-high-contrast', '12-report-high-contrast'],
  ]) {
    await step(`the report in the theme ${theme}`, async () => {
      // Editing the user settings file on disk does not reach code-server 4.100.3's running
      // workbench (it keeps its theme), so the theme is picked as a person does: F1, Color Theme.
      await runCommand('Preferences: Color Theme');
      await quickInput.fill(theme);
      // A row's aria-label is "<name>, <theme id>" (e.g. "Dark High Contrast, Default High Contrast");
      // matched whole because "Default High Contrast" is a prefix of "Default High Contrast Light".
      await page.locator(`.quick-input-list .monaco-list-row[aria-label$=", ${theme}"]`).first().click();
      await quickInput.waitFor({ state: 'hidden' });
      await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor();
      await report.locator(`body.${webviewClass}`).waitFor();
      await report.locator('svg.chart polyline.usage[data-consumer="KVM"]').first().waitFor({ state: 'attached' });
      await shot(file);
    });
  }

  // The report's findings as a person uses them: the link on MS001 selects the refused device in
  // the editor; the code links to the rule's page. Last, because the rule's Markdown preview may
  // take the report's place in its editor group.
  // Spec T6: MS001 sits on the refused device, i.e. the whole `-device vhost-user-fs-pci,...`
  // argument; its position is read from the fixture, not from memslot.
  // The pristine fixture, not the scratch copy: the quick-fix step above may have left the fixed
  // text on disk (a save after the fix, before the undo), while the editor shows the undone text.
  const fixtureLines = fs.readFileSync(path.join(projectRoot, 'test/fixtures/e2e-ws/qemu/refused-order.sh'), 'utf8').split('\n');
  const refusedDevice = '-device vhost-user-fs-pci,id=fs0,chardev=vu0,tag=fs0';
  const deviceLine = fixtureLines.findIndex((l) => l.includes(refusedDevice));
  const deviceStart = deviceLine < 0 ? -1 : fixtureLines[deviceLine].indexOf(refusedDevice);
  const deviceEnd = deviceStart + refusedDevice.length;
  const selectionStatus = page.locator('[id="status.editor.selection"]');
  const ms001 = report.locator('li.finding[data-code="MS001"]').first();

  await step('click the MS001 finding in the report: the editor selects the refused device', async () => {
    if (deviceLine < 0) throw new Error('the refused device is not in the fixture');
    // Caret somewhere else first, so that the selection can only come from the click.
    await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Home');
    await waitForText(selectionStatus, /^Ln 1, Col 1$/, 'caret at the start');
    const link = ms001.locator(':scope > a.reveal');
    const range = await link.getAttribute('data-range');
    const expected = [deviceLine, deviceStart, deviceLine, deviceEnd].join(',');
    if (range !== expected) throw new Error(`MS001 link range ${range}, expected ${expected} (the refused -device)`);
    await link.click();
    // The status bar shows the caret (either end of the selection, 1-based) and the selected length.
    const ends = [deviceStart, deviceEnd].map((c) => `Ln ${deviceLine + 1}, Col ${c + 1}`).join('|');
    const text = await waitForText(selectionStatus, new RegExp(`^(${ends}) \\(${refusedDevice.length} selected\\)$`), 'selection after the click');
    log('  status bar:', text);
    // The selection is drawn in the editor the user already had, and that editor has the focus.
    await editor.locator('.selected-text').first().waitFor();
    if (!(await editor.evaluate((el) => el.contains(document.activeElement)))) throw new Error('the editor does not have the focus');
    await shot('13-report-reveal');
  });

  await step('click the MS001 code in the report: the rule page opens in the Markdown preview', async () => {
    await ms001.locator('a.doc-link[data-doc-code="MS001"]').click();
    const tab = page.locator('.tabs-container .tab').filter({ hasText: /^\s*Preview MS001\.md\b/ }).first();
    await tab.waitFor();
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'Preview MS001.md' }).first().waitFor();
    // The page shown is the rule's: its heading is the first line of docs/rules/MS001.md.
    const heading = fs.readFileSync(path.join(projectRoot, 'docs/rules/MS001.md'), 'utf8').split('\n')[0].replace(/^#\s*/, '');
    const preview = page.frameLocator('iframe.webview[src*="markdown-language-features"]').frameLocator('#active-frame');
    await waitForText(preview.locator('h1').first(), new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), 'preview heading');
    await shot('14-rule-doc');
  });

  await step('a .qmp plan: the refused step squiggled, QEMU\'s answer and the slots in its hover (the VM\'s capacity hint: suite/hotplug.test.ts)', async () => {
    await page.keyboard.press('Escape');
    await quickOpen('hotplug/vm.qmp');
    await editor.locator('.view-lines').filter({ hasText: '"d5"' }).waitFor();
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    // The refused step is the line that adds d5 (hotplug/vm.qmp says so).
    const word = editor.locator('.view-line').filter({ hasText: '"id": "d5"' }).locator('span span').filter({ hasText: 'device_add' }).first();
    const box = await renderedBox(word, 'the d5 line');
    await page.mouse.move(box.x + 10, box.y + box.height / 2);
    await page.mouse.move(box.x + 14, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover').filter({ hasText: 'QEMU refuses device_add d5' }).first();
    await hover.waitFor({ state: 'visible' });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    log('  plan hover:', text.slice(0, 300));
    if (!/a used vhost backend has not enough free memory slots left/.test(text)) throw new Error(`QEMU's text is not in the hover: ${text.slice(0, 300)}`);
    await settled(hover);
    await shot('15-hotplug-plan');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  });
} catch (e) {
  failed++;
  log('ERROR', e?.stack ?? e);
  await shot('error');
} finally {
  await context.close().catch(() => {});
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
