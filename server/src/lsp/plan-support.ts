import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { InitializeParams } from 'vscode-languageserver/node';
import type { DocumentAnalysis } from '../analysis';
import { withCapacity, type HotplugAnalysis, type HotplugMachine } from '../plan-analysis';
import type { JobOptions } from '../watchdog/job';
import { documentPath } from './document-path';
import { isPlanDocument, locatePlanVm, planAnalysisOf, type PlanDocumentAnalysis } from './plans';

/** Runs a plan against its VM off this thread: the analysis, 'timeout' (with the budget) or undefined when superseded. */
export type PlanRunner = (
  job: { vmPath: string; vmText: string; planPath: string; planText: string; options: JobOptions }, key: string,
) => Promise<{ result: HotplugAnalysis } | { notAnalysed: PlanDocumentAnalysis } | undefined>;

interface PlanCacheEntry {
  version: number;
  vmPath: string;
  vmText: string;
  analysis: Promise<PlanDocumentAnalysis | undefined>;
  /** Once settled: whether it ran out of time (another budget may do better). */
  notAnalysed?: boolean;
}

/**
 * The server's side of hot-plug plans: which open documents are plans, their analysis against
 * their VM file (in the watchdog, cached per plan version and VM text), and each VM's capacity for
 * its inlay hint. Finding and reading the VM file stay here: they are bounded file access.
 */
export class PlanSupport {
  private roots: string[] = [];
  private readonly cache = new Map<string, PlanCacheEntry>();
  private readonly capacities = new WeakMap<DocumentAnalysis, HotplugMachine[]>();

  constructor(private readonly openDocuments: () => TextDocument[], private readonly run: PlanRunner) {}

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

  /**
   * The plan's analysis; undefined when the document is not a plan, or when a newer version of it
   * replaced this one before its analysis started.
   */
  analysis(document: TextDocument, options: JobOptions): Promise<PlanDocumentAnalysis | undefined> {
    if (!this.isPlan(document)) return Promise.resolve(undefined);
    const planPath = documentPath(document.uri);
    const planText = document.getText();
    const vm = locatePlanVm(planText, planPath, { roots: this.roots, openText: (path) => this.openText(path) });
    if ('findings' in vm) return Promise.resolve(vm);
    const cached = this.cache.get(document.uri);
    const current = cached && cached.version === document.version && cached.vmPath === vm.vmPath && cached.vmText === vm.vmText;
    if (current) return cached.analysis;
    const analysis = this.run({ ...vm, planPath, planText, options }, `plan ${document.uri}`).then((outcome) => {
      if (!outcome) return undefined;
      return 'result' in outcome ? planAnalysisOf(vm, outcome.result) : { ...outcome.notAnalysed, vmPath: vm.vmPath, vmText: vm.vmText };
    });
    const entry: PlanCacheEntry = { version: document.version, ...vm, analysis };
    void analysis.then((done) => { entry.notAnalysed = done?.notAnalysed !== undefined; });
    this.cache.set(document.uri, entry);
    return analysis;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }

  /** Forgets the plans that ran out of time (the budget changed): their uris, to analyse again. */
  forgetNotAnalysed(): string[] {
    const uris = [...this.cache].filter(([, entry]) => entry.notAnalysed).map(([uri]) => uri);
    for (const uri of uris) this.cache.delete(uri);
    return uris;
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
