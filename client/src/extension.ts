import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { looksLikeQemuArgs } from './qemu-args-detection';

/** Starts the memslot language server and routes QEMU scripts, argument files and domain XML to it. */

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('memslot');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'shellscript' },
      { language: 'qemu-args' },
      // The server ignores XML whose root is not <domain>.
      { language: 'xml' },
    ],
    outputChannel,
    traceOutputChannel: outputChannel,
  };
  // The client reads `memslot.trace.server` itself because the id below is `memslot`.
  client = new LanguageClient('memslot', 'memslot', serverOptions, clientOptions);
  context.subscriptions.push(outputChannel);

  // VS Code's `firstLine` cannot see past libvirt's `VAR=value \` lines, so .args files are also
  // checked on open.
  const claimArgsFile = (document: vscode.TextDocument): void => {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return;
    if (!document.fileName.endsWith('.args') || document.languageId === 'qemu-args') return;
    if (looksLikeQemuArgs(document.getText())) void vscode.languages.setTextDocumentLanguage(document, 'qemu-args');
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(claimArgsFile));
  vscode.workspace.textDocuments.forEach(claimArgsFile);

  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
