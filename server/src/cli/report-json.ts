import type { DocumentAnalysis } from '../analysis';

/**
 * The CLI's JSON contract: `{"files":[{"path","findings","machines":[{"range","model","findings"
 * [,"simulation"]}]}]}`, ranges 0-based like LSP. Tools parse this; change it only by adding.
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
    })),
  }));
  return `${JSON.stringify({ files }, null, 2)}\n`;
}
