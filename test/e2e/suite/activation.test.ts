import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import { memslotDiagnostics, memslotExtension, openFile, rangeOf, waitFor, waitForDiagnostic } from './helpers';

// Runs first (files load in name order) in a fresh extension host, so "not active yet" is
// meaningful: nothing has been opened before.
suite('activation', () => {
  test('memslot stays dormant until a QEMU or libvirt file is opened', () => {
    assert.equal(memslotExtension().isActive, false, 'activated at startup: the activation events are too broad');
  });

  test('activates when a QEMU shell script is opened', async () => {
    const editor = await openFile('qemu/start-vm.sh');
    assert.equal(editor.document.languageId, 'shellscript');
    await waitFor('the extension to activate', () => (memslotExtension().isActive ? true : undefined));
  });

  test('a .qemu file gets the qemu-args language, which activates memslot, and is analysed', async () => {
    const editor = await openFile('broken.qemu');
    assert.equal(editor.document.languageId, 'qemu-args');
    const events: string[] = (memslotExtension().packageJSON as { activationEvents?: string[] }).activationEvents ?? [];
    assert.ok(events.includes('onLanguage:qemu-args'), `activationEvents: ${events.join(', ')}`);
    const diagnostic = await waitForDiagnostic(editor.document.uri, 'MS902');
    assert.deepEqual(diagnostic.range, rangeOf(editor.document, '4X', '-m '));
  });

  test('an unrelated XML is left alone while a domain XML is analysed', async () => {
    // The unrelated file is opened first; once the server has answered for the domain opened
    // after it, the unrelated one has had its chance to get diagnostics too. (Both are XML, and
    // VS Code activates on the language, so "left alone" is about analysis, not activation.)
    const unrelated = await openFile('libvirt/pom.xml');
    const domain = await openFile('libvirt/domain.xml');
    assert.equal(domain.document.languageId, 'xml');
    await waitForDiagnostic(domain.document.uri, 'MS908');
    assert.deepEqual(memslotDiagnostics(unrelated.document.uri).map((d) => d.message), []);
  });
});

// Activation is once per extension host, so proving that a given kind of file activates memslot
// by itself needs a fresh host whose first file it is: scripts/e2e/run-all.sh starts extra runs
// with MEMSLOT_E2E_FIRST=<file> and MEMSLOT_E2E_GREP='activation by first file'.
const firstFile = process.env.MEMSLOT_E2E_FIRST;
if (firstFile) {
  suite(`activation by first file ${firstFile}`, () => {
    test('memslot is dormant, then opening the file activates it', async () => {
      assert.equal(memslotExtension().isActive, false, 'already active before any file was opened');
      await openFile(firstFile);
      await waitFor('the extension to activate', () => (memslotExtension().isActive ? true : undefined));
    });
  });
}
