import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { diagnosticCode, memslotDiagnostics, openFile, rangeOf, waitFor, waitForDiagnostic } from './helpers';

// Expected ranges come from the fixture text itself (the characters the user typed), not from
// running memslot.
suite('front-end diagnostics', () => {
  test('a bad size (-m 4X) gets MS902 on exactly "4X"', async () => {
    const { document } = await openFile('qemu/bad-size.sh');
    const diagnostic = await waitForDiagnostic(document.uri, 'MS902');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(diagnostic.range, rangeOf(document, '4X', '-m '));
    assert.match(diagnostic.message, /size/i);
  });

  test('an unterminated quote gets MS901 starting at the opening quote', async () => {
    const { document } = await openFile('qemu/unterminated.sh');
    const diagnostic = await waitForDiagnostic(document.uri, 'MS901');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(diagnostic.range.start, rangeOf(document, '"', '-name').start);
  });

  test('fixing the size while typing clears the diagnostic', async () => {
    const editor = await openFile('qemu/bad-size.sh');
    const uri = editor.document.uri;
    await waitForDiagnostic(uri, 'MS902');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, rangeOf(editor.document, '4X', '-m '), '4G');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('MS902 to disappear after the edit',
      () => (memslotDiagnostics(uri).some((d) => diagnosticCode(d) === 'MS902') ? undefined : true));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('a valid script gets no error', async () => {
    const { document } = await openFile('qemu/start-vm.sh');
    // A broken sibling opened after it: once its diagnostics arrive, this one's are settled too.
    const { document: broken } = await openFile('qemu/bad-size.sh');
    await waitForDiagnostic(broken.uri, 'MS902');
    const errors = memslotDiagnostics(document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => `${diagnosticCode(d)} ${d.message}`), []);
  });
});
