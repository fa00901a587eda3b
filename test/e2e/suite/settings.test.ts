import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { diagnosticCode, memslotDiagnostics, openFile, rangeOf, setWorkspaceSetting, waitFor, waitForDiagnostic } from './helpers';

// qemu/undeclared-backend.sh is docs/facts/test-vectors.md T6 without a directive: the back-end's limit comes only from
// memslot.host.vhostUserBackends. Limit 32: QEMU refuses fs0 (T6). Limit 509: QEMU starts (T8).
const file = 'qemu/undeclared-backend.sh';
const refusedDevice = '-device vhost-user-fs-pci,id=fs0,chardev=vu0,tag=fs0';

suite('settings change the diagnostics', () => {
  test('a back-end limit set in the workspace settings turns MS001 on and off', async () => {
    const { document } = await openFile(file);
    const codes = (): string[] => memslotDiagnostics(document.uri).map((d) => diagnosticCode(d) ?? '');
    // Undeclared: the verdict depends on the limit, so memslot asks for it (MS012), and does not refuse.
    await waitForDiagnostic(document.uri, 'MS012');
    assert.ok(!codes().includes('MS001'), `MS001 without any limit declared: ${codes().join(', ')}`);
    try {
      await setWorkspaceSetting('host.vhostUserBackends', { '/run/vhost-fs.sock': '32' });
      const ms001 = await waitForDiagnostic(document.uri, 'MS001');
      assert.deepEqual(ms001.range, rangeOf(document, refusedDevice));
      assert.match(ms001.message, /\b32\b/, 'the message names the limit from the settings');

      await setWorkspaceSetting('host.vhostUserBackends', { '/run/vhost-fs.sock': '509' });
      await waitFor('MS001 to disappear with a limit of 509', () => (codes().includes('MS001') ? undefined : true));
      assert.ok(!codes().includes('MS012'), `MS012 although the limit is declared: ${codes().join(', ')}`);
    } finally {
      await setWorkspaceSetting('host.vhostUserBackends', undefined);
    }
    await waitForDiagnostic(document.uri, 'MS012');
  });

  test('memslot.rules turns a rule off', async () => {
    const { document } = await openFile(file);
    await waitForDiagnostic(document.uri, 'MS012');
    try {
      await setWorkspaceSetting('rules', { MS012: 'off' });
      await waitFor('MS012 to be turned off', () => (memslotDiagnostics(document.uri).some((d) => diagnosticCode(d) === 'MS012') ? undefined : true));
    } finally {
      await setWorkspaceSetting('rules', undefined);
    }
    await waitForDiagnostic(document.uri, 'MS012');
  });

  test('memslot.inlayHints.enabled=false hides the inlay hints', async () => {
    const { document } = await openFile(file);
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const hints = (): Thenable<vscode.InlayHint[]> => vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
    await waitFor('inlay hints', async () => ((await hints()).length > 0 ? true : undefined));
    try {
      await setWorkspaceSetting('inlayHints.enabled', false);
      await waitFor('the inlay hints to go', async () => ((await hints()).length === 0 ? true : undefined));
    } finally {
      await setWorkspaceSetting('inlayHints.enabled', undefined);
    }
    await waitFor('the inlay hints to come back', async () => ((await hints()).length > 0 ? true : undefined));
  });
});
