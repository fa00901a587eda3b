import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../model/findings';
import { ruleDocUrl } from '../rule-docs';
import { findingKey } from './finding-key';

/** The only place findings become LSP diagnostics; ranges are already LSP-shaped (0-based). */
export function findingToDiagnostic(finding: Finding, documentUri: string, docUrl: (code: string) => string = ruleDocUrl): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: toDiagnosticSeverity(finding.severity),
    code: finding.code,
    codeDescription: { href: docUrl(finding.code) },
    source: 'memslot',
    message: finding.message,
  };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((info) => ({
      location: { uri: documentUri, range: info.range },
      message: info.message,
    }));
  }
  // The key finds the finding's fixes again when the editor asks for code actions.
  diagnostic.data = { ...(finding.data ?? {}), memslotKey: findingKey(finding) };
  return diagnostic;
}

export function toDiagnosticSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error': return DiagnosticSeverity.Error;
    case 'warning': return DiagnosticSeverity.Warning;
    case 'information': return DiagnosticSeverity.Information;
    case 'hint': return DiagnosticSeverity.Hint;
  }
}
