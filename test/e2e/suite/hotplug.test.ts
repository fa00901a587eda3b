import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { openFile, waitFor, waitForDiagnostic } from './helpers';

// hotplug/vm.qmp plans six 1 GiB DIMMs for hotplug/vm.sh (same base name); the VM's back-end has
// 8 memslots and 3 go to the boot memory, so QEMU refuses the sixth DIMM, d5 (the fixture says so).
suite('hot-plug plans', () => {
  test('a .qmp plan next to its VM script: the refused step is squiggled with QEMU\'s message', async () => {
    const { document } = await openFile('hotplug/vm.qmp');
    assert.equal(document.languageId, 'qemu-hotplug');
    const diagnostic = await waitForDiagnostic(document.uri, 'MS025');
    const line = document.getText().split('\n').findIndex((text) => text.includes('"id": "d5"'));
    assert.equal(diagnostic.range.start.line, line);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /^QEMU refuses device_add d5: /);
    assert.equal(diagnostic.relatedInformation?.[0]?.message, 'QEMU: a used vhost backend has not enough free memory slots left');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, diagnostic.range.start);
    const text = hovers.flatMap((hover) => hover.contents.map((part) => (typeof part === 'string' ? part : part.value))).join('\n');
    assert.match(text, /\| fs0 \| 8 \| 8 \|/);
  });

  test('the VM script says what still fits', async () => {
    const { document } = await openFile('hotplug/vm.sh');
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const label = (hint: vscode.InlayHint): string => (typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join(''));
    const found = await waitFor('the capacity inlay hint', async () => {
      const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
      return hints.map(label).find((text) => text.startsWith('hot-plug: '));
    });
    assert.equal(found, 'hot-plug: 5 × 1 GiB DIMMs before fs0 (8 slots) refuses');
  });
});
