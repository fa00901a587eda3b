import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { diagnosticCode, featureTest, memslotDiagnostics, openFile, waitFor, waitForDiagnostic } from './helpers';

// Pending until the features land (other issues): run them with MEMSLOT_E2E_ALL=1.
// qemu/refused-order.sh is the oracle's "vu32-after-vmem" shape: virtio-mem with dynamic
// memslots, then a vhost-user device that QEMU refuses (spec/qemu-oracle-scenarios.json).
const refused = 'qemu/refused-order.sh';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

suite('features (pending until they land)', () => {
  featureTest('MS001 marks the refused vhost-user device and the hover shows the memslot breakdown', async () => {
    const { document } = await openFile(refused);
    const diagnostic = await waitForDiagnostic(document.uri, 'MS001');
    assert.match(document.getText(diagnostic.range), /vhost-user-fs-pci|fs0/);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, diagnostic.range.start);
    const text = hoverText(hovers);
    assert.match(text, /memslot/i);
    assert.match(text, /virtio-mem|vm0/, 'the breakdown names the consumer that took the slots');
  });

  featureTest('the preferred quick fix for MS001 edits the script so that MS001 goes away', async () => {
    const { document } = await openFile(refused);
    const diagnostic = await waitForDiagnostic(document.uri, 'MS001');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.isPreferred) ?? actions[0];
    assert.ok(fix?.edit, `no quick fix with an edit among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitFor('MS001 to disappear after the fix',
      () => (memslotDiagnostics(document.uri).some((d) => diagnosticCode(d) === 'MS001') ? undefined : true));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  featureTest('the report command opens its webview beside the editor', async () => {
    await openFile(refused);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('memslot.showReport'));
    await vscode.commands.executeCommand('memslot.showReport');
    await waitFor('a memslot report tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview && /memslot/i.test(tab.label)));
  });

  // The setting's name is not decided yet (issue 3/5); without a body mocha lists it as pending.
  test('changing a backend\'s slot limit in the settings changes the diagnostics');
});
