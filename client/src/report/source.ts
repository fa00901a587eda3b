import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { reportRequestMethod, type MemslotReport, type ReportParams, type ReportResult } from '../../../server/src/protocol';

/** Languages the server reads (it ignores XML that is neither a <domain> nor device XML to hot-plug). */
export const memslotLanguages = ['shellscript', 'qemu-args', 'xml', 'qemu-hotplug'];
export const memslotSelector: vscode.DocumentSelector = memslotLanguages.map((language) => ({ language }));

export function isMemslotDocument(document: vscode.TextDocument): boolean {
  return memslotLanguages.includes(document.languageId) && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

export interface ReportUpdate {
  document: vscode.TextDocument;
  report: MemslotReport | null;
}

/** After typing stops, and after the server's own 200 ms analysis delay has published diagnostics. */
const refreshDelayMs = 250;

/**
 * Follows the active QEMU/libvirt editor and fetches its `memslot/report` whenever the editor, the
 * text or the diagnostics change (debounced). The report panel and the status item both listen.
 * A reply for an older request is dropped, so a slow answer never overwrites a newer one.
 */
export class ReportSource implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ReportUpdate>();
  readonly onDidUpdate = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private current: vscode.TextDocument | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sequence = 0;
  private latest: ReportUpdate | undefined;

  constructor(private readonly client: LanguageClient) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isMemslotDocument(editor.document)) this.follow(editor.document, 0);
      }),
      vscode.workspace.onDidChangeTextDocument((change) => {
        if (this.isCurrent(change.document.uri)) this.schedule(refreshDelayMs);
      }),
      vscode.languages.onDidChangeDiagnostics((change) => {
        if (change.uris.some((uri) => this.isCurrent(uri))) this.schedule(refreshDelayMs);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (this.isCurrent(document.uri)) this.current = undefined;
      }),
    );
    const active = vscode.window.activeTextEditor?.document;
    if (active && isMemslotDocument(active)) this.follow(active, 0);
  }

  /** The document the views show: the active editor's, or the last such one while a webview has focus. */
  get document(): vscode.TextDocument | undefined {
    return this.current;
  }

  get lastUpdate(): ReportUpdate | undefined {
    return this.latest;
  }

  follow(document: vscode.TextDocument, delayMs = 0): void {
    this.current = document;
    this.schedule(delayMs);
  }

  /** Fetches the report for the current document now and announces it. */
  async refresh(): Promise<ReportUpdate | undefined> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const document = this.current;
    if (!document) return undefined;
    const sequence = ++this.sequence;
    let report: MemslotReport | null = null;
    try {
      if (this.client.isRunning()) {
        const params: ReportParams = { uri: document.uri.toString() };
        report = await this.client.sendRequest<ReportResult>(reportRequestMethod, params);
      }
    } catch (error) {
      this.client.outputChannel.appendLine(`memslot: the report request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (sequence !== this.sequence) return this.latest;
    this.latest = { document, report };
    this.emitter.fire(this.latest);
    return this.latest;
  }

  private isCurrent(uri: vscode.Uri): boolean {
    return this.current !== undefined && this.current.uri.toString() === uri.toString();
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
