import {
  CodeActionKind,
  CompletionItemKind,
  DidChangeConfigurationNotification,
  InlayHintKind,
  MarkupKind,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type InlayHint,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allFindings, analyzeText, type DocumentAnalysis } from './analysis';
import { codeActions, fixAllKind } from './features/code-actions';
import { hoverAt } from './features/hover';
import { completionsAt, optionDocAt } from './features/completion';
import { inlayHints } from './features/inlay-hints';
import { buildReport } from './features/report';
import { Debouncer } from './lsp/debouncer';
import { findingToDiagnostic } from './lsp/diagnostics';
import { documentPath } from './lsp/document-path';
import { configFileReader } from './config-files';
import { findingKey, keyOfDiagnosticData } from './lsp/finding-key';
import { codeActionParams, positionParams, rangeParams, uriParams } from './lsp/params';
import { defaultServerSettings, readServerSettings, type ServerSettings } from './lsp/settings';
import { reportRequestMethod, type ReportParams, type ReportResult } from './protocol';
import { ruleDocUrl } from './rule-docs';
import { PlanSupport } from './lsp/plan-support';
import { planHover } from './lsp/plans';
import { capacityHints } from './features/capacity-text';
import { analysisLine, profileLine, startLine } from './lsp/log';
import { packageVersion } from './package-version';

/** LSP wiring only: documents and settings in; the core's findings, hovers, hints and fixes out. */

/** Typing delay before a changed document is analysed; MEMSLOT_CHANGE_DELAY_MS overrides it (tests, benchmarks). */
const changeDelayMs = delayFromEnvironment(process.env.MEMSLOT_CHANGE_DELAY_MS, 200);

function delayFromEnvironment(text: string | undefined, fallback: number): number {
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export interface ServerOptions {
  /** Typing delay in ms (default: MEMSLOT_CHANGE_DELAY_MS, else 200). */
  changeDelayMs?: number;
}

/**
 * Serves memslot on a connection: the editor's when run as a program (lsp/main.ts), an in-memory one in
 * tests. Everything the server keeps lives in this call, so servers never share state.
 */
export function createServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const debouncer = new Debouncer(options.changeDelayMs ?? changeDelayMs);

  let settings: ServerSettings = defaultServerSettings();
  let clientPullsConfiguration = false;
  let clientRefreshesInlayHints = false;
  let lastSettingsProblems = '';

  /** The analysis of the latest version of each open document, computed at most once per version. */
  const analyses = new Map<string, { version: number; analysis: DocumentAnalysis }>();
  /** Hot-plug plan files (`.qmp`, `.hmp`, libvirt device XML) run against their VM file. */
  const plans = new PlanSupport(() => documents.all());
  /** The workspace folders' paths: the only places `-readconfig` files are read from. */
  let workspaceRoots: string[] = [];

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    clientPullsConfiguration = params.capabilities.workspace?.configuration === true;
    workspaceRoots = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : []))
      .filter((folder) => folder.uri.startsWith('file:')).map((folder) => documentPath(folder.uri));
    clientRefreshesInlayHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    plans.setRoots(params);
    clientName = params.clientInfo ? `${params.clientInfo.name}${params.clientInfo.version ? ` ${params.clientInfo.version}` : ''}` : undefined;
    const initial = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    if (initial !== undefined) applySettings(initial);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [',', ' ', '-', "'", '"', '<'] },
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind] },
      },
      serverInfo: { name: 'memslot', version: packageVersion() },
    };
  });

  let clientName: string | undefined;

  connection.onInitialized(() => {
    // The output channel's first lines: what runs, and on which host profile until the settings arrive.
    connection.console.info(startLine(packageVersion(), clientName));
    connection.console.info(profileLine(settings.profile));
    if (!clientPullsConfiguration) return;
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'memslot' }).catch(() => undefined);
    void pullSettings();
  });

  connection.onDidChangeConfiguration((change) => {
    if (clientPullsConfiguration) void pullSettings();
    else applySettings((change.settings as { memslot?: unknown } | undefined)?.memslot);
  });

  async function pullSettings(): Promise<void> {
    try {
      const [section] = await connection.workspace.getConfiguration([{ section: 'memslot' }]) as unknown[];
      applySettings(section);
    } catch (error) {
      connection.console.error(`memslot: could not read the settings: ${describeError(error)}`);
    }
  }

  /** Validates the settings, warns once about bad values, and re-analyses every open document. */
  function applySettings(raw: unknown): void {
    const read = readServerSettings(raw);
    settings = read.settings;
    const problems = read.problems.join('\n');
    if (problems && problems !== lastSettingsProblems) {
      connection.console.warn(problems);
      // A notification, not a request: nothing waits for the user to dismiss it.
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: `memslot: some settings are invalid and were ignored:\n${problems}`,
      });
    }
    lastSettingsProblems = problems;
    connection.console.info(profileLine(settings.profile));
    analyses.clear();
    plans.clear();
    for (const document of documents.all()) debouncer.schedule(document.uri, () => validate(document.uri), 0);
    if (clientRefreshesInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  function analysisOf(document: TextDocument): DocumentAnalysis {
    const plan = plans.analysis(document, { profile: settings.profile, severityOverrides: settings.severityOverrides });
    if (plan) return { machines: [], findings: plan.findings };
    const cached = analyses.get(document.uri);
    if (cached && cached.version === document.version) return cached.analysis;
    const started = performance.now();
    const path = documentPath(document.uri);
    const analysis = analyzeText(document.getText(), { languageId: document.languageId, path }, {
      profile: settings.profile,
      severityOverrides: settings.severityOverrides,
      // -readconfig files are read only inside the workspace folders, and only for documents on disk.
      ...(document.uri.startsWith('file:') ? { readConfig: configFileReader(path, workspaceRoots, 'outside the workspace') } : {}),
    });
    if (settings.trace !== 'off') connection.console.log(analysisLine(document.uri, document.version, performance.now() - started, analysis));
    analyses.set(document.uri, { version: document.version, analysis });
    return analysis;
  }

  // TextDocuments reports an open as a content change too, right after onDidOpen; that one must not
  // push the first diagnostics back by the typing delay.
  const justOpened = new Set<string>();
  documents.onDidOpen(({ document }) => {
    justOpened.add(document.uri);
    debouncer.schedule(document.uri, () => validate(document.uri), 0);
  });
  documents.onDidChangeContent(({ document }) => {
    if (justOpened.delete(document.uri)) return;
    debouncer.schedule(document.uri, () => validate(document.uri));
    // A changed VM file changes the answers of the plans run against it.
    for (const plan of plans.otherPlans(document.uri)) debouncer.schedule(plan.uri, () => validate(plan.uri));
  });
  documents.onDidClose(({ document }) => {
    justOpened.delete(document.uri);
    debouncer.cancel(document.uri);
    analyses.delete(document.uri);
    plans.forget(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  function validate(uri: string): void {
    const document = documents.get(uri);
    if (!document) return;
    const version = document.version;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = allFindings(analysisOf(document)).map((finding) => findingToDiagnostic(finding, uri));
    } catch (error) {
      // analyzeText guards itself; this is the last line so one document can never stop the server.
      connection.console.error(`memslot: analysis of ${uri} failed: ${describeError(error)}`);
      return;
    }
    // A result for a text the user has since changed (or closed) is stale: drop it; the newer
    // version has its own analysis scheduled.
    const current = documents.get(uri);
    if (!current || current.version !== version) return;
    void connection.sendDiagnostics({ uri, version, diagnostics });
  }

  connection.onHover((params) => {
    positionParams(params);
    const { textDocument, position } = params;
    const document = documents.get(textDocument.uri);
    if (!document) return null;
    const plan = plans.analysis(document, { profile: settings.profile, severityOverrides: settings.severityOverrides });
    const markdown = guarded('hover', () => {
      if (plan) return planHover(plan, position);
      const analysis = analysisOf(document);
      // On a driver, property or directive option name: its one-line doc first.
      const doc = analysis.kind ? optionDocAt(document.getText(), analysis.kind, position) : undefined;
      const memslots = hoverAt(analysis, position);
      return doc && memslots ? `${doc}\n\n---\n\n${memslots}` : doc ?? memslots;
    });
    return markdown ? { contents: { kind: MarkupKind.Markdown, value: markdown } } : null;
  });

  connection.onCompletion(({ textDocument, position }): CompletionItem[] => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const kind = analysisOf(document).kind;
    if (!kind) return [];
    const items = guarded('completion', () => completionsAt(document.getText(), kind, position)) ?? [];
    const kinds = {
      driver: CompletionItemKind.Class, property: CompletionItemKind.Property, option: CompletionItemKind.Keyword,
      value: CompletionItemKind.EnumMember,
    } as const;
    return items.map((item) => ({
      label: item.label, insertText: item.insertText, detail: item.detail, documentation: item.documentation, kind: kinds[item.kind],
    }));
  });

  connection.languages.inlayHint.on((params): InlayHint[] => {
    rangeParams(params);
    const { textDocument, range } = params;
    const document = documents.get(textDocument.uri);
    if (!document || !settings.inlayHintsEnabled) return [];
    const hints = guarded('inlay hints', () => {
      const analysis = analysisOf(document);
      return [...inlayHints(analysis, range), ...capacityHints(plans.capacityOf(analysis), range)];
    }) ?? [];
    return hints.map(
      (hint) => ({ position: hint.position, label: hint.label, tooltip: hint.tooltip, kind: InlayHintKind.Type, paddingLeft: true }));
  });

  connection.onCodeAction((params): CodeAction[] => {
    codeActionParams(params);
    const { textDocument, range, context } = params;
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const wanted = (kind: string) => !context.only || context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
    const codes = context.diagnostics.filter((diagnostic) => diagnostic.source === 'memslot').map((diagnostic) => String(diagnostic.code));
    const actions = guarded('code actions', () => codeActions(analysisOf(document), range, codes, ruleDocUrl)) ?? [];
    const byKey = new Map(context.diagnostics.map((diagnostic) => [keyOfDiagnosticData(diagnostic.data), diagnostic]));
    return actions.filter((action) => wanted(action.kind)).map((action) => {
      const diagnostic = action.finding ? byKey.get(findingKey(action.finding)) : undefined;
      return {
        title: action.title,
        kind: action.kind,
        ...(action.edits.length ? { edit: { changes: { [textDocument.uri]: action.edits } } } : {}),
        ...(action.isPreferred ? { isPreferred: true } : {}),
        ...(diagnostic ? { diagnostics: [diagnostic] } : {}),
        ...(action.command ? { command: action.command } : {}),
      };
    });
  });

  connection.onRequest(reportRequestMethod, (params: ReportParams): ReportResult => {
    uriParams(params);
    const document = documents.get(params.uri);
    if (!document) return null;
    // A plan's report is its VM's, with the plan's steps on the chart.
    const planResult = plans.analysis(document, { profile: settings.profile, severityOverrides: settings.severityOverrides })?.result;
    const analysis = planResult?.vm ?? analysisOf(document);
    if (analysis.kind === undefined) return null;
    return guarded('the report', () => buildReport(analysis, params.uri, document.version, ruleDocUrl)) ?? null;
  });

  /** A feature that fails logs and answers nothing; the server keeps serving. */
  function guarded<T>(what: string, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      connection.console.error(`memslot: ${what} failed: ${describeError(error)}`);
      return undefined;
    }
  }

  function describeError(error: unknown): string {
    return error instanceof Error ? error.stack ?? error.message : String(error);
  }

  connection.onShutdown(() => debouncer.dispose());

  documents.listen(connection);
  connection.listen();
}
