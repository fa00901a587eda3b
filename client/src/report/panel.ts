import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseRevealRange, renderReportBody, renderReportDocument } from './render';
import type { ReportSource, ReportUpdate } from './source';
import { reportVerdict } from './verdict';

export const reportViewType = 'memslot.report';
export const showReportCommand = 'memslot.showReport';

/** What `memslot.showReport` resolves to, so tests can check the panel without reading its DOM. */
export interface ReportViewInfo {
  viewType: string;
  title: string;
  uri: string;
  verdict: string;
  /** The rendered body (chart, tables, findings) as the webview shows it. */
  body: string;
}

export function reportTitle(document: vscode.TextDocument): string {
  return `memslot report: ${path.basename(document.uri.path) || document.uri.toString()}`;
}

/**
 * The single report webview beside the editor. It shows whatever the ReportSource announces: a new
 * body goes in by message while the view is visible (no reload, scroll kept); a hidden view is
 * rebuilt from the latest body when it is shown again.
 */
export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private body = '';
  private title = 'memslot report';
  private shownUri: string | undefined;
  /** The body the webview has (or will have once its script runs); null: the webview must be rewritten. */
  private webviewBody: string | null = null;
  /** The webview script has announced itself, so messages reach it. */
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly source: ReportSource, private readonly extensionUri: vscode.Uri) {
    this.disposables.push(source.onDidUpdate((update) => this.show(update)));
  }

  /** Opens (or reveals) the panel for `document` or the active QEMU/libvirt document. */
  async open(document: vscode.TextDocument | undefined): Promise<ReportViewInfo | undefined> {
    const target = document ?? this.source.document;
    if (!target) {
      void vscode.window.showInformationMessage('memslot: open a QEMU script, a .qemu/.args file or a libvirt domain XML first.');
      return undefined;
    }
    if (!this.panel) {
      const column = { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true };
      this.panel = vscode.window.createWebviewPanel(reportViewType, reportTitle(target), column, {
        enableScripts: true,
        enableCommandUris: false,
        localResourceRoots: [this.extensionUri],
      });
      this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'images', 'icon.png');
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shownUri = undefined;
      }, undefined, this.disposables);
      this.panel.onDidChangeViewState(({ webviewPanel }) => {
        // A hidden webview loses its script state and reloads from `html`: give it the latest body.
        if (!webviewPanel.visible) this.ready = false;
        else if (this.webviewBody !== this.body) this.writeDocument();
      }, undefined, this.disposables);
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message), undefined, this.disposables);
      this.body = renderReportBody(null, path.basename(target.uri.path));
      this.writeDocument();
    } else {
      this.panel.reveal(undefined, true);
    }
    this.source.follow(target);
    const update = await this.source.refresh();
    if (update) this.show(update);
    return this.info();
  }

  info(): ReportViewInfo | undefined {
    if (!this.panel) return undefined;
    const update = this.source.lastUpdate;
    return {
      viewType: reportViewType,
      title: this.panel.title,
      uri: this.shownUri ?? '',
      verdict: reportVerdict(update?.report ?? null).text,
      body: this.body,
    };
  }

  private show(update: ReportUpdate): void {
    if (!this.panel) return;
    const body = renderReportBody(update.report, path.basename(update.document.uri.path));
    const title = reportTitle(update.document);
    this.shownUri = update.document.uri.toString();
    if (body === this.body && title === this.title) return;
    this.body = body;
    this.title = title;
    this.panel.title = title;
    this.push();
  }

  /** Sends the latest body by message when the script can take it; otherwise the ready handler will. */
  private push(): void {
    if (!this.panel || !this.ready || !this.panel.visible || this.webviewBody === this.body) return;
    this.webviewBody = this.body;
    void this.panel.webview.postMessage({ type: 'render', body: this.body });
  }

  private writeDocument(): void {
    if (!this.panel) return;
    this.ready = false;
    this.webviewBody = this.body;
    this.panel.webview.html = renderReportDocument({
      cspSource: this.panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      title: this.title,
      body: this.body,
    });
  }

  private async onMessage(message: unknown): Promise<void> {
    if (typeof message !== 'object' || message === null || !this.panel) return;
    const { type } = message as { type?: unknown };
    if (type === 'ready') {
      this.ready = true;
      this.push();
    } else if (type === 'reveal') await this.reveal((message as { range?: unknown }).range);
    else if (type === 'docs') {
      const { code, url } = message as { code?: unknown; url?: unknown };
      if (typeof code === 'string' && typeof url === 'string') await vscode.commands.executeCommand('memslot.showDocumentation', code, url);
    }
  }

  /** Selects the range in the source's editor, in the column where the user already has it. */
  private async reveal(value: unknown): Promise<void> {
    const range = parseRevealRange(value);
    if (!range || !this.shownUri) return;
    const uri = vscode.Uri.parse(this.shownUri);
    const document = await vscode.workspace.openTextDocument(uri);
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === this.shownUri);
    const selection = document.validateRange(
      new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character));
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection,
      preserveFocus: false,
    });
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
