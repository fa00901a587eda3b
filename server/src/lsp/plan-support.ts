import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { InitializeParams } from 'vscode-languageserver/node';
import type { AnalysisOptions, DocumentAnalysis } from '../analysis';
import { withCapacity, type HotplugMachine } from '../plan-analysis';
import { documentPath } from './document-path';
import { analyzePlanDocument, isPlanDocument, type PlanDocumentAnalysis } from './plans';

/**
 * The server's side of hot-plug plans: which open documents are plans, their analysis against
 * their VM file (cached per plan version and VM text), and each VM's capacity for its inlay hint.
 */
export class PlanSupport {
  private roots: string[] = [];
  private readonly cache = new Map<string, { version: number; vmText: string | undefined; analysis: PlanDocumentAnalysis }>();
  private readonly capacities = new WeakMap<DocumentAnalysis, HotplugMachine[]>();

  constructor(private readonly openDocuments: () => TextDocument[]) {}

  setRoots(params: InitializeParams): void {
    const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.roots = folders.filter((uri) => uri.startsWith('file:')).map(documentPath);
  }

  isPlan(document: TextDocument): boolean {
    return isPlanDocument(document.languageId, documentPath(document.uri), document.getText());
  }

  private openText(path: string): string | undefined {
    return this.openDocuments().find((document) => documentPath(document.uri) === path)?.getText();
  }

  /** The plan's analysis, or undefined when the document is not a plan. */
  analysis(document: TextDocument, options: AnalysisOptions): PlanDocumentAnalysis | undefined {
    if (!this.isPlan(document)) return undefined;
    const cached = this.cache.get(document.uri);
    const vmText = cached?.analysis.vmPath === undefined ? undefined : this.openText(cached.analysis.vmPath);
    if (cached && cached.version === document.version && cached.vmText === vmText && vmText !== undefined) return cached.analysis;
    const analysis = analyzePlanDocument(
      document.getText(), documentPath(document.uri), { roots: this.roots, openText: (path) => this.openText(path) }, options);
    const analysedVmText = analysis.vmPath === undefined ? undefined : this.openText(analysis.vmPath);
    this.cache.set(document.uri, { version: document.version, vmText: analysedVmText, analysis });
    return analysis;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }

  /** Open plans other than `uri` (to re-check when a VM file changes). */
  otherPlans(uri: string): TextDocument[] {
    return this.openDocuments().filter((document) => document.uri !== uri && this.isPlan(document));
  }

  /** The machines with `capacity`, computed once per analysis. */
  capacityOf(analysis: DocumentAnalysis): HotplugMachine[] {
    let machines = this.capacities.get(analysis);
    if (!machines) {
      machines = withCapacity(analysis).machines;
      this.capacities.set(analysis, machines);
    }
    return machines;
  }
}
