import * as vscode from 'vscode';

export const showDocumentationCommand = 'memslot.showDocumentation';

/**
 * Opens a rule's page: the copy shipped in the extension (docs/rules/CODE.md) in the Markdown
 * preview when there is one, otherwise the URL the server gave. Returns what it opened.
 */
export async function showDocumentation(extensionUri: vscode.Uri, code: unknown, url: unknown): Promise<string | undefined> {
  if (typeof code === 'string' && /^MS\d{3}$/.test(code)) {
    const page = vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${code}.md`);
    if (await exists(page)) return openMarkdown(page);
  }
  if (typeof url === 'string' && /^(https?|file):/.test(url)) {
    const target = vscode.Uri.parse(url);
    if (target.scheme === 'file' && (await exists(target))) return openMarkdown(target);
    if (target.scheme !== 'file') {
      await vscode.env.openExternal(target);
      return target.toString();
    }
  }
  void vscode.window.showWarningMessage(`memslot: no documentation page for ${String(code)}.`);
  return undefined;
}

async function openMarkdown(page: vscode.Uri): Promise<string> {
  // Executed, not looked up with getCommands(): until the built-in Markdown extension is active its
  // command is not registered, and executing it is what activates it. It fails only when that
  // extension is missing or disabled; then the page opens as text.
  try {
    await vscode.commands.executeCommand('markdown.showPreview', page);
  } catch {
    await vscode.window.showTextDocument(page, { preview: true });
  }
  return page.toString();
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
