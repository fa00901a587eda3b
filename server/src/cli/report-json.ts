import type { DocumentAnalysis } from '../analysis';

/**
 * The CLI's JSON contract: `{"files":[{"path","findings","machines":[{"range","model","findings"
 * [,"simulation"][,"uncertain"]}]}]}`, ranges 0-based like LSP. Tools parse this; change it only by adding.
 * `uncertain` (only when non-empty): values unresolved shell expansions hide, e.g. "$MAX hides maxmem".
 */
export function formatJson(reports: Array<{ path: string; analysis: DocumentAnalysis }>): string {
  const files = reports.map(({ path, analysis }) => ({
    path,
    findings: analysis.findings,
    machines: analysis.machines.map((machine) => ({
      range: machine.model.range,
      model: machine.model,
      findings: machine.findings,
      ...(machine.simulation !== undefined ? { simulation: machine.simulation } : {}),
      ...(machine.uncertain?.length ? { uncertain: machine.uncertain } : {}),
    })),
  }));
  return `${JSON.stringify({ files }, null, 2)}\n`;
}
