import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { looksLikeQemuArgs } from './qemu-args-detection';
import { showDocumentation, showDocumentationCommand } from './documentation';
import { ReportPanel, showReportCommand } from './report/panel';
import { isMemslotDocument, memslotSelector, ReportSource } from './report/source';
import { createStatusItem } from './status';

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
    // shellscript, qemu-args and xml; the server ignores XML whose root is not <domain>.
    documentSelector: memslotSelector as LanguageClientOptions['documentSelector'],
    // The server pulls `memslot` with workspace/configuration; this also makes the client notify it
    // of changes to that section (the server re-pulls on every notification).
    synchronize: { configurationSection: 'memslot' },
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

  // Registered before the server starts, so the commands exist even if it fails to start.
  const source = new ReportSource(client);
  const panel = new ReportPanel(source, context.extensionUri);
  context.subscriptions.push(
    source,
    panel,
    createStatusItem(source),
    vscode.commands.registerCommand(showReportCommand, async (resource?: unknown) => {
      // From the editor title/context menu the argument is the file's URI.
      const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
      const document = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) : undefined;
      return panel.open(document && isMemslotDocument(document) ? document : undefined);
    }),
    vscode.commands.registerCommand(
      showDocumentationCommand, (code?: unknown, url?: unknown) => showDocumentation(context.extensionUri, code, url)),
  );

  await client.start();
  // Whatever the views asked for before the server ran gets its report now.
  void source.refresh();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
