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
import { availableParallelism } from 'node:os';
import { allFindings, internalError, type DocumentAnalysis } from './analysis';
import { detectDocumentKind, type DocumentKind } from './frontends';
import { makeRange } from './model/range';
import type { Finding } from './model/findings';
import { applySeverityOverrides } from './rules';
import { timeoutFinding, type AnalysisJob } from './watchdog/job';
import { AnalysisPool, bundledWorkerScript } from './watchdog/pool';
import { codeActions, fixAllKind } from './features/code-actions';
import { hoverAt } from './features/hover';
import { completionsAt, optionDocAt } from './features/completion';
import { inlayHints } from './features/inlay-hints';
import { buildReport } from './features/report';
import { Debouncer } from './lsp/debouncer';
import { findingToDiagnostic } from './lsp/diagnostics';
import { documentPath } from './lsp/document-path';
import { findingKey, keyOfDiagnosticData } from './lsp/finding-key';
import { codeActionParams, positionParams, rangeParams, uriParams } from './lsp/params';
import { defaultServerSettings, readServerSettings, type ServerSettings } from './lsp/settings';
import { reportRequestMethod, type ReportParams, type ReportResult } from './protocol';
import { ruleDocUrl } from './rule-docs';
import { PlanSupport, type PlanRunner } from './lsp/plan-support';
import { planHover, type PlanDocumentAnalysis } from './lsp/plans';
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
  /** The watchdog's worker script (default: MEMSLOT_ANALYSIS_WORKER, else analysis-worker.js beside this bundle). */
  analysisWorker?: string;
}

/** A finished analysis; with `notAnalysed` (why), the watchdog dropped it and `analysis` holds only MS910. */
interface Analysed {
  analysis: DocumentAnalysis;
  notAnalysed?: string;
}

/**
 * Serves memslot on a connection: the editor's when run as a program (lsp/main.ts), an in-memory one in
 * tests. Everything the server keeps lives in this call, so servers never share state.
 */
export function createServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const delayMs = options.changeDelayMs ?? changeDelayMs;
  /** While the user keeps typing, diagnostics still follow at least this often. */
  const maxWaitMs = Math.max(delayMs, 1000);
  const debouncer = new Debouncer(delayMs, maxWaitMs);
  // Two cores' worth at least, so one document stuck until its budget runs out never holds up another.
  const pool = new AnalysisPool({
    script: options.analysisWorker ?? bundledWorkerScript(),
    maxWorkers: Math.min(4, Math.max(2, availableParallelism())),
  });

  let settings: ServerSettings = defaultServerSettings();
  let clientPullsConfiguration = false;
  let clientRefreshesInlayHints = false;
  let lastSettingsProblems = '';

  /**
   * The analysis of the latest version of each open document, started at most once per version and
   * settings generation; requests for the same version share it while it runs.
   */
  const analyses = new Map<string, { version: number; generation: number; result: Promise<Analysed | undefined>; done?: Analysed }>();
  /** Bumped when a setting that changes analyses changes: older entries are recomputed. */
  let generation = 0;
  let analysisInputs = '';
  /** Per open document, the version and time of its last publication (a stale result may not replace a newer one). */
  const lastPublished = new Map<string, { document: TextDocument; version: number; at: number }>();
  /** Hot-plug plan files (`.qmp`, `.hmp`, libvirt device XML) run against their VM file. */
  const plans = new PlanSupport(() => documents.all(), runPlan);
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

  /** Validates the settings, warns once about bad values, and re-analyses the open documents they change. */
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
    const inputs = JSON.stringify([settings.profile, settings.severityOverrides]);
    let stale: TextDocument[];
    if (inputs !== analysisInputs) {
      // The host or the severities changed: every analysis is out of date.
      analysisInputs = inputs;
      generation++;
      plans.clear();
      stale = documents.all();
    } else {
      // Only the budget, the hints or the trace changed: what was analysed stands; what ran out of
      // time gets another try under the new budget.
      const plansNotAnalysed = new Set(plans.forgetNotAnalysed());
      stale = documents.all().filter((document) =>
        plansNotAnalysed.has(document.uri) || analyses.get(document.uri)?.done?.notAnalysed !== undefined);
      for (const document of stale) analyses.delete(document.uri);
    }
    for (const document of stale) debouncer.schedule(document.uri, () => void validate(document.uri), 0);
    if (clientRefreshesInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  /**
   * The analysis of the document's current version, from a worker thread within the budget; undefined
   * when a newer version replaced it before it started. Hover, inlay hints, code actions and the
   * report wait for it (they need positions of this version), without holding up other requests.
   */
  function analysisOf(document: TextDocument): Promise<Analysed | undefined> {
    if (plans.isPlan(document)) {
      return planOf(document).then(
        (plan) => plan && { analysis: { machines: [], findings: plan.findings }, notAnalysed: plan.notAnalysed });
    }
    const cached = analyses.get(document.uri);
    if (cached && cached.version === document.version && cached.generation === generation) return cached.result;
    const entry: { version: number; generation: number; result: Promise<Analysed | undefined>; done?: Analysed } =
      { version: document.version, generation, result: analyse(document) };
    void entry.result.then((done) => { entry.done = done; });
    analyses.set(document.uri, entry);
    return entry.result;
  }

  function planOf(document: TextDocument): Promise<PlanDocumentAnalysis | undefined> {
    return plans.analysis(document, { profile: settings.profile, severityOverrides: settings.severityOverrides });
  }

  /** A plan with its VM, in the watchdog like a document, within the same budget. */
  async function runPlan(...[job, key]: Parameters<PlanRunner>): ReturnType<PlanRunner> {
    const budgetMs = settings.analysisTimeoutMs;
    const { vmPath, vmText, planPath, planText, options } = job;
    const outcome = await pool.run({ kind: 'vm', path: vmPath, text: vmText, plans: [{ path: planPath, text: planText }], options }, budgetMs, key);
    switch (outcome.status) {
      case 'superseded':
        return undefined;
      case 'done':
        return { result: { vm: outcome.value.analysis, plans: outcome.value.plans } };
      case 'timeout':
      case 'failed':
        return { notAnalysed: unanalysed(outcome, { text: planText, label: `plan ${planPath}`, subject: 'the plan', budgetMs }) };
    }
  }

  /**
   * What a document or plan whose analysis ran out of time (MS910) or failed (MS999) shows: one
   * finding at the settings' severity, and the reason to try again under another budget; logged.
   */
  function unanalysed(
    outcome: { status: 'timeout' } | { status: 'failed'; error: string },
    about: { text: string; label: string; subject: string; budgetMs: number },
  ): { findings: Finding[]; notAnalysed?: string } {
    const severities = { severityOverrides: settings.severityOverrides };
    if (outcome.status === 'timeout') {
      connection.console.warn(`memslot: ${about.label} not analysed: the analysis took longer than ${about.budgetMs} ms and was stopped`);
      const findings = applySeverityOverrides([timeoutFinding(about.text, about.budgetMs, 'memslot.analysis.timeoutMs')], severities);
      return { findings, notAnalysed: `took longer than ${about.budgetMs} ms` };
    }
    connection.console.error(`memslot: analysis of ${about.label} failed: ${outcome.error}`);
    return { findings: applySeverityOverrides([internalError(`analysing ${about.subject}`, outcome.error, makeRange(0, 0, 0, 0))], severities) };
  }

  async function analyse(document: TextDocument): Promise<Analysed | undefined> {
    const { uri, version } = document;
    const text = document.getText();
    const path = documentPath(uri);
    const hint = { languageId: document.languageId, path };
    let kind: DocumentKind | undefined;
    try {
      // One forward scan: a file that is not ours never goes to a worker.
      kind = detectDocumentKind(text, hint);
      if (kind === undefined) return { analysis: { machines: [], findings: [] } };
    } catch {
      // The worker's analyzeText reports it as MS999.
    }
    const job: AnalysisJob = {
      kind: 'document', text, hint, options: {
        profile: settings.profile,
        severityOverrides: settings.severityOverrides,
        // -readconfig files are read only inside the workspace folders, and only for documents on disk.
        ...(uri.startsWith('file:') ? { readConfig: { path, roots: workspaceRoots, outside: 'outside the workspace' } } : {}),
      },
    };
    const budgetMs = settings.analysisTimeoutMs;
    if (settings.trace === 'verbose') connection.console.log(`analysing ${uri} v${version} (budget ${budgetMs} ms)`);
    const outcome = await pool.run(job, budgetMs, uri);
    switch (outcome.status) {
      case 'superseded':
        return undefined;
      case 'done':
        if (settings.trace !== 'off') connection.console.log(analysisLine(uri, version, outcome.elapsedMs, outcome.value));
        return { analysis: outcome.value };
      case 'timeout':
      case 'failed': {
        const { findings, notAnalysed } = unanalysed(outcome, { text, label: `${uri} v${version}`, subject: 'the document', budgetMs });
        return { analysis: { kind, machines: [], findings }, ...(notAnalysed ? { notAnalysed } : {}) };
      }
    }
  }

  // TextDocuments reports an open as a content change too, right after onDidOpen; that one must not
  // push the first diagnostics back by the typing delay.
  const justOpened = new Set<string>();
  documents.onDidOpen(({ document }) => {
    justOpened.add(document.uri);
    debouncer.schedule(document.uri, () => void validate(document.uri), 0);
  });
  documents.onDidChangeContent(({ document }) => {
    if (justOpened.delete(document.uri)) return;
    debouncer.schedule(document.uri, () => void validate(document.uri));
    // A changed VM file changes the answers of the plans run against it.
    for (const plan of plans.otherPlans(document.uri)) debouncer.schedule(plan.uri, () => void validate(plan.uri));
  });
  documents.onDidClose(({ document }) => {
    justOpened.delete(document.uri);
    debouncer.cancel(document.uri);
    analyses.delete(document.uri);
    lastPublished.delete(document.uri);
    plans.forget(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  async function validate(uri: string): Promise<void> {
    const document = documents.get(uri);
    if (!document) return;
    const version = document.version;
    let diagnostics: Diagnostic[];
    try {
      const analysed = await analysisOf(document);
      if (!analysed) return;
      diagnostics = allFindings(analysed.analysis).map((finding) => findingToDiagnostic(finding, uri));
    } catch (error) {
      // analyzeText guards itself; this is the last line so one document can never stop the server.
      connection.console.error(`memslot: analysis of ${uri} failed: ${describeError(error)}`);
      return;
    }
    // A result for a text the user has since changed is stale: dropped, as the newer version has its
    // own analysis scheduled; unless nothing was published for the debouncer's ceiling (the user keeps
    // typing into a slow file), and never over a newer version's. A document closed meanwhile, even if
    // opened again (its versions start anew), gets nothing of its earlier life.
    const current = documents.get(uri);
    if (current !== document) return;
    const previous = lastPublished.get(uri);
    const last = previous?.document === document ? previous : undefined;
    if (last && last.version > version) return;
    if (current.version !== version && last && performance.now() - last.at < maxWaitMs) return;
    lastPublished.set(uri, { document, version, at: performance.now() });
    void connection.sendDiagnostics({ uri, version, diagnostics });
  }

  connection.onHover(async (params) => {
    positionParams(params);
    const { textDocument, position } = params;
    const document = documents.get(textDocument.uri);
    if (!document) return null;
    // The text the analysis is of: the document may change while the analysis runs.
    const text = document.getText();
    const plan = plans.isPlan(document) ? await planOf(document) : undefined;
    const analysis = plan ? undefined : (await analysisOf(document))?.analysis;
    const markdown = guarded('hover', () => {
      if (plan) return planHover(plan, position);
      if (!analysis) return undefined;
      // On a driver, property or directive option name: its one-line doc first.
      const doc = analysis.kind ? optionDocAt(text, analysis.kind, position) : undefined;
      const memslots = hoverAt(analysis, position);
      return doc && memslots ? `${doc}\n\n---\n\n${memslots}` : doc ?? memslots;
    });
    return markdown ? { contents: { kind: MarkupKind.Markdown, value: markdown } } : null;
  });

  connection.onCompletion(({ textDocument, position }): CompletionItem[] => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    // Completion needs only the kind, found by one forward scan: it never waits for an analysis.
    const hint = { languageId: document.languageId, path: documentPath(document.uri) };
    const kind = guarded('completion', () => detectDocumentKind(document.getText(), hint));
    if (!kind) return [];
    const items = guarded('completion', () => completionsAt(document.getText(), kind, position)) ?? [];
    const kinds = {
      driver: CompletionItemKind.Class,
      property: CompletionItemKind.Property,
      option: CompletionItemKind.Keyword,
      value: CompletionItemKind.EnumMember,
    } as const;
    return items.map((item) => ({
      label: item.label, insertText: item.insertText, detail: item.detail, documentation: item.documentation, kind: kinds[item.kind],
    }));
  });

  connection.languages.inlayHint.on(async (params): Promise<InlayHint[]> => {
    rangeParams(params);
    const { textDocument, range } = params;
    const document = documents.get(textDocument.uri);
    if (!document || !settings.inlayHintsEnabled) return [];
    const analysis = (await analysisOf(document))?.analysis;
    if (!analysis) return [];
    const hints = guarded('inlay hints', () => {
      return [...inlayHints(analysis, range), ...capacityHints(plans.capacityOf(analysis), range)];
    }) ?? [];
    return hints.map((hint) => ({
      position: hint.position, label: hint.label, tooltip: hint.tooltip, kind: InlayHintKind.Type, paddingLeft: true,
    }));
  });

  connection.onCodeAction(async (params): Promise<CodeAction[]> => {
    codeActionParams(params);
    const { textDocument, range, context } = params;
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const analysis = (await analysisOf(document))?.analysis;
    if (!analysis) return [];
    const wanted = (kind: string) => !context.only || context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
    const codes = context.diagnostics.filter((diagnostic) => diagnostic.source === 'memslot').map((diagnostic) => String(diagnostic.code));
    const actions = guarded('code actions', () => codeActions(analysis, range, codes, ruleDocUrl)) ?? [];
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

  connection.onRequest(reportRequestMethod, async (params: ReportParams): Promise<ReportResult> => {
    uriParams(params);
    const document = documents.get(params.uri);
    if (!document) return null;
    // A plan's report is its VM's, with the plan's steps on the chart.
    const plan = plans.isPlan(document) ? await planOf(document) : undefined;
    const analysed = plan?.result ? { analysis: plan.result.vm } : await analysisOf(document);
    if (!analysed || analysed.analysis.kind === undefined) return null;
    const report = guarded('the report', () => buildReport(analysed.analysis, params.uri, document.version, ruleDocUrl));
    if (!report) return null;
    // The status item and the report say the file was not analysed, rather than "1 finding".
    return analysed.notAnalysed ? { ...report, notAnalysed: analysed.notAnalysed } : report;
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

  connection.onShutdown(() => {
    debouncer.dispose();
    pool.dispose();
  });
  connection.onExit(() => pool.dispose());

  documents.listen(connection);
  connection.listen();
}
