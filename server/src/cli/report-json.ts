import type { DocumentAnalysis } from '../analysis';
import type { HotplugMachine } from '../plan-analysis';

/**
 * The CLI's JSON contract: `{"files":[{"path","findings","machines":[{"range","model","findings"
 * [,"simulation"][,"uncertain"]}]}]}`, ranges 0-based like LSP. Tools parse this; change it only by adding.
 * `uncertain` (only when non-empty): values unresolved shell expansions hide, e.g. "$MAX hides maxmem".
 * With `--hotplug`: `simulation.hotplug` [{command, id, result: ok|error|hang, error, range, path}]
 * and each plan as a file of its own with its findings; `capacity` per machine (plan-analysis.ts).
 */
export function formatJson(reports: Array<{ path: string; analysis: DocumentAnalysis }>): string {
  const files = reports.map(({ path, analysis }) => ({
    path,
    findings: analysis.findings,
    machines: analysis.machines.map((machine: HotplugMachine) => ({
      range: machine.model.range,
      model: machine.model,
      findings: machine.findings,
      ...(machine.simulation !== undefined
        ? { simulation: machine.hotplug ? { ...machine.simulation, hotplug: machine.hotplug } : machine.simulation }
        : {}),
      ...(machine.uncertain?.length ? { uncertain: machine.uncertain } : {}),
      ...(machine.capacity ? { capacity: machine.capacity } : {}),
    })),
  }));
  return `${JSON.stringify({ files }, null, 2)}\n`;
}
