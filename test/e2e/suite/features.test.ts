import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { diagnosticCode, featureTest, memslotDiagnostics, openFile, rangeOf, waitFor, waitForDiagnostic } from './helpers';

// qemu/refused-order.sh is spec qemu-memslots.md §13 T6: a dynamic-memslots virtio-mem decides
// first, then a vhost-user back-end limited to 32 slots (set by the file's own directive) is
// refused. Its expectations come from that fixture, not from running memslot.
const refused = 'qemu/refused-order.sh';
const refusedDevice = '-device vhost-user-fs-pci,id=fs0,chardev=vu0,tag=fs0';
const decidingDevice = '-device virtio-mem-pci,id=vm0,memdev=vmem0,dynamic-memslots=on';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

suite('memslot hover and quick fix', () => {
  test('MS001 marks the refused vhost-user device and its hover shows the breakdown', async () => {
    const { document } = await openFile(refused);
    const diagnostic = await waitForDiagnostic(document.uri, 'MS001');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(diagnostic.range, rangeOf(document, refusedDevice));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, diagnostic.range.start);
    const text = hoverText(hovers);
    if (process.env.MEMSLOT_E2E_SHOW_HOVER === '1') console.log(text);
    assert.match(text, /\bvm0\b/, 'the breakdown names the device that decided its memslots');
    assert.match(text, /\b32\b/, 'the breakdown shows the back-end limit from the directive');
    assert.match(text, /refused/i);
  });

  test('the preferred quick fix for MS001 moves the device so that MS001 goes away', async () => {
    const { document } = await openFile(refused);
    const diagnostic = await waitForDiagnostic(document.uri, 'MS001');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix?.edit, `no preferred quick fix with an edit among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const text = document.getText();
    assert.ok(text.indexOf(refusedDevice) >= 0 && text.indexOf(refusedDevice) < text.indexOf(decidingDevice),
      'the vhost-user device now comes before the virtio-mem device');
    await waitFor('MS001 to disappear after the fix',
      () => (memslotDiagnostics(document.uri).some((d) => diagnosticCode(d) === 'MS001') ? undefined : true));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

// Pending until the features land (issue 6 and the settings work): MEMSLOT_E2E_ALL=1 runs them.
suite('features still being built', () => {
  featureTest('the report command opens its webview beside the editor', async () => {
    await openFile(refused);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('memslot.showReport'), 'memslot.showReport is not registered');
    await vscode.commands.executeCommand('memslot.showReport');
    await waitFor('a memslot report tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview && /memslot/i.test(tab.label)));
  });

  // The setting's name is not decided yet; without a body mocha lists it as pending.
  test('changing a back-end\'s slot limit in the settings changes the diagnostics');
});
