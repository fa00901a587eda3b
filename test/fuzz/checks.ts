import { performance } from 'node:perf_hooks';
import { analyzeText, type DocumentAnalysis } from '../../server/src/analysis';
import type { Range } from '../../server/src/model/range';

/**
 * What every input must give: an answer within a time bound that grows linearly with its size, no
 * exception, no internal error (MS999), every range inside the document, and the same output twice.
 *
 * The time bound is a bound, not a benchmark: a generous constant plus a generous cost per
 * character, so a loaded 2-core CI machine never trips it on a linear path, while exponential or
 * quadratic growth (seconds to hours on these inputs) does. Analyses run in this process and are
 * timed after they end; a true hang shows as the test's own timeout.
 */

export const baseBoundMs = 3000;
export const boundPerCharMs = 0.05;

export function timeBoundMs(text: string): number {
  return Math.round(baseBoundMs + boundPerCharMs * text.length);
}

const lineBreak = /\r\n|\r|\n/;

function rangeProblems(text: string, analysis: DocumentAnalysis): string[] {
  const lines = text.split(lineBreak);
  const problems: string[] = [];
  const check = (what: string, range: Range) => {
    for (const [name, position] of [['start', range.start], ['end', range.end]] as const) {
      const line = lines[position.line];
      if (line === undefined || position.character < 0 || position.character > line.length) {
        problems.push(`${what}: ${name} ${position.line}:${position.character} is outside the document (${lines.length} lines${line === undefined ? '' : `, that one ${line.length} long`})`);
      }
    }
    if (range.start.line > range.end.line || (range.start.line === range.end.line && range.start.character > range.end.character)) {
      problems.push(`${what}: ends before it starts`);
    }
  };
  const findings = [...analysis.findings, ...analysis.machines.flatMap((machine) => machine.findings)];
  for (const finding of findings) {
    check(`${finding.code} range`, finding.range);
    for (const related of finding.related ?? []) check(`${finding.code} related`, related.range);
    for (const fix of finding.fixes ?? []) for (const edit of fix.edits) check(`${finding.code} fix '${fix.title}'`, edit.range);
  }
  return problems;
}

export class FuzzChecker {
  /** The analysis runs in this process: always ready (the watchdog thread is not on main yet). */
  readonly ready = true;

  /** Problems with one input; empty when it passes. */
  async problems(text: string, hint: { path: string }): Promise<string[]> {
    const bound = timeBoundMs(text);
    const analyse = (): { analysis?: DocumentAnalysis; error?: string; elapsedMs: number } => {
      const started = performance.now();
      try {
        return { analysis: analyzeText(text, hint), elapsedMs: performance.now() - started };
      } catch (error) {
        return { error: error instanceof Error ? error.stack ?? error.message : String(error), elapsedMs: performance.now() - started };
      }
    };
    const first = analyse();
    if (first.error !== undefined || !first.analysis) return [`analysis threw: ${first.error}`];
    const problems: string[] = [];
    if (first.elapsedMs > bound) problems.push(`took ${Math.round(first.elapsedMs)} ms, over the ${bound} ms bound for ${text.length} characters`);
    const findings = [...first.analysis.findings, ...first.analysis.machines.flatMap((machine) => machine.findings)];
    for (const internal of findings.filter((finding) => finding.code === 'MS999')) problems.push(`internal error: ${internal.message}`);
    problems.push(...rangeProblems(text, first.analysis));
    const second = analyse();
    if (!second.analysis) problems.push(`second run threw: ${second.error}`);
    else if (JSON.stringify(second.analysis) !== JSON.stringify(first.analysis)) problems.push('two runs on the same input gave different output');
    return problems;
  }

  async dispose(): Promise<void> {
    // Nothing to release in-process.
  }
}
