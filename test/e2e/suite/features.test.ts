import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { diagnosticCode, memslotDiagnostics, openFile, rangeOf, waitFor, waitForDiagnostic } from './helpers';

// qemu/refused-order.sh is docs/facts/test-vectors.md T6: a dynamic-memslots virtio-mem decides
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

suite('memslot inlay hints', () => {
  test('the summary after the QEMU binary gives the KVM use and the verdict', async () => {
    const { document } = await openFile(refused);
    await waitForDiagnostic(document.uri, 'MS001');
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
    const label = (hint: vscode.InlayHint): string => (typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join(''));
    // The summary sits right after the binary's name, as the user typed it.
    const binary = rangeOf(document, 'qemu-system-x86_64');
    const summary = hints.find((hint) => hint.position.isEqual(binary.end));
    assert.ok(summary, `no hint after qemu-system-x86_64 among: ${hints.map((h) => `${h.position.line}:${h.position.character} ${label(h)}`).join(' | ')}`);
    // Verdict first: fs0 is where QEMU stops (T6), then its back-end's use against its limit; within 40 characters.
    assert.match(label(summary), /^✗ fs0 · vu \d+\/\d+$/);
    assert.ok(label(summary).length <= 40);
    // The refused device itself is labelled at its end.
    const device = rangeOf(document, refusedDevice);
    assert.ok(hints.some((hint) => hint.position.isEqual(device.end) && /refused/.test(label(hint))),
      'no "refused" hint after the vhost-user-fs-pci device');
  });
});
