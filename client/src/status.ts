import * as vscode from 'vscode';
import { showReportCommand } from './report/panel';
import { memslotSelector, type ReportSource, type ReportUpdate } from './report/source';
import { reportVerdict } from './report/verdict';

export const statusItemId = 'memslot.status';

/**
 * The language status item of QEMU and libvirt files: the active file's verdict (`starts`,
 * `refused by <id>`, `N findings`) and, as its detail, the host profile the verdict assumed.
 * Clicking it opens the report.
 */
export function createStatusItem(source: ReportSource): vscode.Disposable {
  const item = vscode.languages.createLanguageStatusItem(statusItemId, memslotSelector);
  item.name = 'memslot';
  item.text = 'memslot';
  item.detail = 'waiting for the language server';
  item.command = { command: showReportCommand, title: 'Show Report', tooltip: 'memslot: Show Memslot Report' };
  const update = ({ report }: ReportUpdate): void => {
    const verdict = reportVerdict(report);
    item.text = `memslot: ${verdict.text}`;
    // Short: the language status hover is cut at the window's edge, and its link sits at the end.
    item.detail = report?.notAnalysed ? `${report.notAnalysed} (memslot.analysis.timeoutMs)`
      : report ? (verdict.hostShort ? `host ${verdict.hostShort}` : 'host defaults') : 'not QEMU or libvirt';
    item.severity = verdict.severity === 'error' ? vscode.LanguageStatusSeverity.Error
      : verdict.severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    item.accessibilityInformation = { label: `memslot: ${verdict.text}. ${verdict.host ? `Host: ${verdict.host}` : item.detail}` };
  };
  const subscription = source.onDidUpdate(update);
  if (source.lastUpdate) update(source.lastUpdate);
  return vscode.Disposable.from(subscription, item);
}
