import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allFindings, analyzeText } from './analysis';
import { Debouncer } from './lsp/debouncer';
import { findingToDiagnostic } from './lsp/diagnostics';
import { documentPath } from './lsp/document-path';

/** LSP wiring only: documents in, the core's findings out as diagnostics. */

const changeDelayMs = 200;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const debouncer = new Debouncer(changeDelayMs);

connection.onInitialize((): InitializeResult => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'memslot' },
}));

documents.onDidOpen(({ document }) => debouncer.schedule(document.uri, () => validate(document.uri), 0));
documents.onDidChangeContent(({ document }) => debouncer.schedule(document.uri, () => validate(document.uri)));
documents.onDidClose(({ document }) => {
  debouncer.cancel(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

function validate(uri: string): void {
  const document = documents.get(uri);
  if (!document) return;
  const version = document.version;
  let diagnostics: Diagnostic[];
  try {
    const analysis = analyzeText(document.getText(), { languageId: document.languageId, path: documentPath(uri) });
    diagnostics = allFindings(analysis).map((finding) => findingToDiagnostic(finding, uri));
  } catch (error) {
    // analyzeText guards itself; this is the last line so one document can never stop the server.
    connection.console.error(`memslot: analysis of ${uri} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return;
  }
  // A result for a text the user has since changed (or closed) is stale: drop it; the newer
  // version has its own analysis scheduled.
  const current = documents.get(uri);
  if (!current || current.version !== version) return;
  void connection.sendDiagnostics({ uri, version, diagnostics });
}

connection.onShutdown(() => debouncer.dispose());

documents.listen(connection);
connection.listen();
