import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentAnalysis } from '../analysis';
import { allFindings } from '../analysis';
import type { Finding, Severity } from '../model/findings';
import type { Range } from '../model/range';
import { ruleDocsBaseUrl } from '../rule-docs';
import { codeEntry } from '../model/codes';

/** SARIF 2.1.0, as code-scanning tools (GitHub, GitLab, VS Code's SARIF viewer) read it. */
export function formatSarif(reports: Array<{ path: string; analysis: DocumentAnalysis }>, version: string): string {
  const ruleIndex = new Map<string, number>();
  const rules: Array<Record<string, unknown>> = [];
  const results: Array<Record<string, unknown>> = [];
  for (const { path, analysis } of reports) {
    for (const finding of allFindings(analysis)) {
      if (!ruleIndex.has(finding.code)) {
        const metadata = codeEntry(finding.code);
        ruleIndex.set(finding.code, rules.length);
        rules.push({
          id: finding.code,
          ...(metadata ? { name: metadata.slug } : {}),
          shortDescription: { text: metadata?.title ?? finding.code },
          helpUri: `${ruleDocsBaseUrl}${finding.code}.md`,
          // The rule's own default, not this finding's (settings may have overridden it).
          defaultConfiguration: { level: sarifLevel(metadata?.defaultSeverity ?? finding.severity) },
        });
      }
      results.push(sarifResult(path, finding, ruleIndex.get(finding.code) ?? 0));
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'memslot', version, informationUri: 'https://github.com/memslot/memslot', rules } },
      results,
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifResult(path: string, finding: Finding, ruleIndex: number): Record<string, unknown> {
  const location = (range: Range) => ({
    physicalLocation: { artifactLocation: { uri: artifactUri(path) }, region: sarifRegion(range) },
  });
  const result: Record<string, unknown> = {
    ruleId: finding.code,
    ruleIndex,
    level: sarifLevel(finding.severity),
    message: { text: finding.message },
    locations: [location(finding.range)],
  };
  if (finding.related?.length) {
    result.relatedLocations = finding.related.map((info, id) => ({ id, ...location(info.range), message: { text: info.message } }));
  }
  return result;
}

function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** 1-based lines and columns; SARIF's endColumn is exclusive, like LSP's end character. */
function sarifRegion(range: Range): Record<string, number> {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return relative('.', path).split(sep).map(encodeURIComponent).join('/');
}
