import * as path from 'node:path';
import * as vscode from 'vscode';

/** Helpers shared by the end-to-end suites; they poll, never sleep for a fixed time. */

export const extensionId = 'memslot.memslot';

export function memslotExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not loaded in this host`);
  return extension;
}

export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the e2e-ws workspace folder open');
  return vscode.Uri.file(path.join(folder.uri.fsPath, relative));
}

export async function openFile(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Polls `probe` until it returns something other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function memslotDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'memslot');
}

export function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** Waits until memslot reports a diagnostic with `code` for `uri`. */
export function waitForDiagnostic(uri: vscode.Uri, code: string, timeoutMs?: number): Promise<vscode.Diagnostic> {
  return waitFor(`memslot diagnostic ${code} on ${path.basename(uri.fsPath)}`,
    () => memslotDiagnostics(uri).find((d) => diagnosticCode(d) === code), timeoutMs);
}

/** The range of the first occurrence of `needle` after `after` (both as typed in the file). */
export function rangeOf(document: vscode.TextDocument, needle: string, after = ''): vscode.Range {
  const text = document.getText();
  const from = after ? text.indexOf(after) : 0;
  const index = text.indexOf(needle, from < 0 ? 0 : from);
  if (index < 0) throw new Error(`'${needle}' not found in ${document.uri.fsPath}`);
  return new vscode.Range(document.positionAt(index), document.positionAt(index + needle.length));
}

/**
 * Waits until memslot has finished activating (its commands registered, its client started):
 * tests that call its commands directly must not race the activation a file open triggered.
 */
export function waitForActivation(): Promise<true> {
  return waitFor('memslot to finish activating', () => (memslotExtension().isActive ? true : undefined), 30_000);
}

/** Sets a `memslot.*` setting in the workspace (.vscode/settings.json of the scratch copy); undefined removes it. */
export async function setWorkspaceSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('memslot').update(key, value, vscode.ConfigurationTarget.Workspace);
}
