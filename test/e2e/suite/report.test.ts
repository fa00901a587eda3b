import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { openFile, waitFor, waitForActivation, waitForDiagnostic } from './helpers';

/** What memslot.showReport resolves to (client/src/report/panel.ts ReportViewInfo). */
interface ReportViewInfo {
  viewType: string;
  title: string;
  uri: string;
  verdict: string;
  body: string;
}

// code-server prefixes the view type of extension webviews (`mainThreadWebview-memslot.report`).
const isReportTab = (tab: vscode.Tab): boolean => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('memslot.report');
const reportTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter(isReportTab);

// qemu/refused-order.sh is docs/facts/test-vectors.md T6: QEMU refuses fs0, the vhost-user
// device that comes after a virtio-mem which already decided its memslots.
suite('memslot report', () => {
  test('the report command opens a webview beside the editor with the chart and the refused step', async () => {
    const { document } = await openFile('qemu/refused-order.sh');
    await waitForActivation();
    await waitForDiagnostic(document.uri, 'MS001');
    const info = await vscode.commands.executeCommand<ReportViewInfo | undefined>('memslot.showReport', document.uri);
    assert.ok(info, 'memslot.showReport resolved to nothing');
    assert.equal(info.viewType, 'memslot.report');
    assert.equal(info.title, 'memslot report: refused-order.sh');
    assert.equal(info.uri, document.uri.toString());
    assert.equal(info.verdict, 'refused by fs0');
    // The chart: one usage line for KVM, one limit line for fs0, a marker at the refused step.
    assert.match(info.body, /<svg class="chart"/);
    assert.match(info.body, /<polyline [^>]*class="usage[^"]*"[^>]*data-consumer="KVM"|<polyline [^>]*data-consumer="KVM"[^>]*class="usage/);
    assert.match(info.body, /<line [^>]*class="limit[^"]*"[^>]*data-consumer="fs0"|<line [^>]*data-consumer="fs0"[^>]*class="limit/);
    assert.match(info.body, /<g [^>]*class="refused-marker"[^>]*data-step="\d+"/);
    assert.match(info.body, /<p class="verdict[^"]*" data-verdict="refused by fs0"/);
    assert.match(info.body, /<tr [^>]*data-device="vm0"/, 'the device table lists the virtio-mem');

    const tab = await waitFor('the memslot report tab', () => reportTabs()[0]);
    assert.equal(tab.label, 'memslot report: refused-order.sh');
    // Beside the editor: not in the source's own group.
    const sourceGroup = vscode.window.tabGroups.all.find(
      (group) => group.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === document.uri.toString()));
    assert.notEqual(tab.group.viewColumn, sourceGroup?.viewColumn, 'the report opened in the same group as the script');
  });

  test('the report follows the active editor', async () => {
    await openFile('qemu/start-vm.sh');
    await waitFor('the report to show start-vm.sh', () => reportTabs().find((tab) => tab.label === 'memslot report: start-vm.sh'), 20_000);
    const info = await vscode.commands.executeCommand<ReportViewInfo | undefined>('memslot.showReport');
    assert.equal(info?.title, 'memslot report: start-vm.sh');
    assert.equal(info?.verdict, 'starts');
    assert.equal(reportTabs().length, 1, 'a second report tab was opened instead of reusing the first');
  });

  test('the rule documentation command opens the local rule page in the Markdown preview', async () => {
    await waitForActivation();
    const opened = await vscode.commands.executeCommand<string | undefined>('memslot.showDocumentation', 'MS001', 'https://example.invalid/MS001');
    assert.ok(opened, 'memslot.showDocumentation resolved to nothing');
    assert.match(opened, /docs\/rules\/MS001\.md$/);
    // The preview is a webview tab (view type `...markdown.preview`), not the page opened as text.
    const preview = await waitFor('a Markdown preview tab for MS001.md', () => vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('markdown.preview') && /MS001\.md/.test(tab.label)));
    assert.match(preview.label, /^Preview MS001\.md$/);
  });
});
