import { DocumentText } from '../../server/src/model/document-text';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, type DocumentAnalysis } from '../../server/src/analysis';
import { codeActions, fixAllAction, fixAllKind, showDocumentationCommand } from '../../server/src/features/code-actions';
import type { Finding } from '../../server/src/model/findings';
import { makeRange } from '../../server/src/model/range';
import { domainLines, domainText, lineOf, scriptLines, scriptText } from './features-fixtures';

const lineRange = (lines: string[], needle: string) => {
  const line = lineOf(lines, needle);
  return makeRange(line, 0, line, lines[line].length);
};

function outcome(text: string, path: string): string | undefined {
  return analyzeText(text, { path }).machines[0]?.simulation?.outcome;
}

test('script: MS001 quick fixes keep their edits and preferred flag; the preferred one makes QEMU start', () => {
  const analysis = analyzeText(scriptText, { path: 'vm.sh' });
  assert.equal(outcome(scriptText, 'vm.sh'), 'refused', 'precondition: the example is refused under its own directive');
  const actions = codeActions(analysis, lineRange(scriptLines, '-device vhost-user-fs-pci'), ['MS001'], (code) => `https://docs/${code}.md`);
  const finding = analysis.machines[0].findings.find((candidate) => candidate.code === 'MS001');
  assert.ok(finding?.fixes?.length, 'MS001 offers fixes');
  const quickFixes = actions.filter((action) => action.kind === 'quickfix' && action.edits.length > 0);
  assert.deepEqual(quickFixes.map((action) => action.title), finding.fixes.map((fix) => fix.title));
  for (const [index, fix] of finding.fixes.entries()) {
    assert.deepEqual(quickFixes[index].edits, fix.edits);
    assert.equal(quickFixes[index].isPreferred === true, fix.isPreferred === true);
  }
  const preferred = quickFixes.filter((action) => action.isPreferred);
  assert.equal(preferred.length, 1);
  const fixed = new DocumentText(scriptText).applyEdits(preferred[0].edits);
  assert.equal(outcome(fixed, 'vm.sh'), 'starts');
  assert.ok(!analyzeText(fixed, { path: 'vm.sh' }).machines[0].findings.some((candidate) => candidate.code === 'MS001'));
});

test('show documentation: one command per code, with the doc link', () => {
  const analysis = analyzeText(scriptText, { path: 'vm.sh' });
  const actions = codeActions(analysis, lineRange(scriptLines, '-device vhost-user-fs-pci'), [], (code) => `https://docs/${code}.md`);
  const docs = actions.filter((action) => action.command?.command === showDocumentationCommand);
  assert.deepEqual(docs.map((action) => action.command?.arguments), [['MS001', 'https://docs/MS001.md']]);
  assert.equal(docs[0].title, 'Show documentation for MS001');
});

test('no actions away from any finding, except the document-wide fix-all', () => {
  const analysis = analyzeText(scriptText, { path: 'vm.sh' });
  const actions = codeActions(analysis, lineRange(scriptLines, '-display none'));
  assert.deepEqual(actions.map((action) => action.kind), [fixAllKind]);
});

test('domain XML: the preferred fix sets dynamicMemslots and QEMU starts', () => {
  const analysis = analyzeText(domainText, { path: 'vm.xml' });
  const range = analysis.machines[0].findings.find((candidate) => candidate.code === 'MS001')?.range;
  assert.ok(range, 'MS001 on the domain');
  assert.equal(range.start.line, lineOf(domainLines, '<filesystem'));
  const preferred = codeActions(analysis, range, ['MS001']).find((action) => action.isPreferred);
  assert.ok(preferred);
  const fixed = new DocumentText(domainText).applyEdits(preferred.edits);
  assert.match(fixed, /dynamicMemslots='no'/);
  assert.equal(outcome(fixed, 'vm.xml'), 'starts');
});

function synthetic(findings: Finding[]): DocumentAnalysis {
  return { kind: 'shell', machines: [], findings };
}

test('fix-all takes every finding\'s fix-all fix once, and leaves out one that would overlap', () => {
  const edit = (line: number, from: number, to: number, newText: string) => ({ range: makeRange(line, from, line, to), newText });
  const finding = (line: number, edits: ReturnType<typeof edit>[], fixAll = true): Finding => ({
    code: 'MS0XX', severity: 'warning', message: 'm', range: makeRange(line, 0, line, 1),
    fixes: [{ title: 'not safe', edits: [edit(line, 0, 0, 'X')] }, { title: 'safe', edits, fixAll }],
  });
  const action = fixAllAction(synthetic([
    finding(0, [edit(0, 2, 4, 'a')]),
    finding(1, [edit(1, 0, 3, 'b')]),
    finding(1, [edit(1, 2, 5, 'c')]), // overlaps the previous one: left for the next run
    finding(2, [edit(2, 0, 1, 'd')], false), // not safe together: never in fix-all
  ]));
  assert.ok(action);
  assert.equal(action.kind, fixAllKind);
  assert.deepEqual(action.edits.map((e) => e.newText), ['a', 'b']);
  assert.equal(new DocumentText('0123456\n0123456\n0123456').applyEdits(action.edits), '01a456\nb3456\n0123456');
  assert.equal(fixAllAction(synthetic([finding(0, [edit(0, 0, 1, 'x')], false)])), undefined);
});

test('the editor\'s diagnostic codes narrow the quick fixes', () => {
  const analysis = analyzeText(scriptText, { path: 'vm.sh' });
  const actions = codeActions(analysis, lineRange(scriptLines, '-device vhost-user-fs-pci'), ['MS999']);
  assert.deepEqual(actions.filter((action) => action.kind === 'quickfix'), []);
});
