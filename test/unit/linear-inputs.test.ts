import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFindings, analyzeText } from '../../server/src/analysis';
import { detectDocumentKind, scanXmlRoot } from '../../server/src/frontends';
import { DocumentText } from '../../server/src/model/document-text';
import { compileGlob, globMatches } from '../../server/src/simulator/glob';
import { applyProfileOptions, defaultHostProfile, findVhostUserRule, parseProfileOptions } from '../../server/src/simulator';
import { maxBackendsCheckedAlone } from '../../server/src/rules/ms012-vhost-user-limit-unknown';
import { backtrackingGlob, licenceHeaderXml, manyDirectives, refusedDimms, undeclaredBackends } from '../support/scaling-inputs';
import { rangeOf } from './qemu-test-helpers';

/**
 * Inputs that once froze or crashed the analysis (issue 11): each is answered, with the right
 * result. A regression to exponential time shows as a test that never ends.
 */

test('an XML file opening with 40 licence comments is recognised as not a domain, and as a domain when it is one', () => {
  assert.equal(detectDocumentKind(licenceHeaderXml(40), { path: 'pom.xml' }), undefined);
  assert.equal(detectDocumentKind(licenceHeaderXml(40, 'domain'), { path: 'vm.xml' }), 'libvirt-xml');
  assert.equal(detectDocumentKind(licenceHeaderXml(10_000, 'domain'), { languageId: 'xml' }), 'libvirt-xml');
  assert.deepEqual(analyzeText(licenceHeaderXml(40), { path: 'pom.xml' }), { machines: [], findings: [] });
});

test('the prolog scan skips declarations, PIs, comments and a DOCTYPE, and says why it cannot go on', () => {
  const prolog = '\uFEFF<?xml version="1.0"?>\n<?pi x?>\n<!DOCTYPE domain SYSTEM "http://example.invalid/d.dtd" [<!ENTITY e "]>"> <!-- ' + "it's" + ' -->]>\n<domain type="kvm"/>';
  assert.deepEqual(scanXmlRoot(prolog), { kind: 'root', name: 'domain', offset: prolog.indexOf('<domain') });
  assert.equal(scanXmlRoot('<?xml version="1.0"\n<domain/>').kind, 'unreadable');
  assert.equal(scanXmlRoot('<!-- never closed\n<domain/>').kind, 'unreadable');
  assert.equal(scanXmlRoot('<!DOCTYPE domain [ <!ENTITY x "y"> \n').kind, 'unreadable');
  assert.deepEqual(scanXmlRoot('plain text'), { kind: 'none' });
  assert.deepEqual(scanXmlRoot(''), { kind: 'none' });
});

test('a backtracking glob in a directive is matched at once, and correctly', () => {
  const text = backtrackingGlob(40);
  const analysis = analyzeText(text, { path: 'x.sh' });
  assert.equal(analysis.machines[0].simulation?.unknownBackends.length, 1, 'the glob does not match the path of a\'s');
  assert.equal(globMatches(`${'*a'.repeat(40)}b`, `${'a'.repeat(5000)}`), false);
  assert.equal(globMatches(`${'*a'.repeat(40)}b`, `${'a'.repeat(50)}b`), true);
});

test('globs: * stays in one path component, ** crosses them, ? and classes match one character, \\ escapes', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/run/*.sock', '/run/a.sock', true],
    ['/run/*.sock', '/run/x/a.sock', false],
    ['/run/**.sock', '/run/x/a.sock', true],
    ['/run/**/a.sock', '/run/x/y/a.sock', true],
    ['/run/*', '/run/', true],
    ['vu?.sock', 'vu1.sock', true],
    ['vu?.sock', 'vu/.sock', false],
    ['vu[0-3].sock', 'vu2.sock', true],
    ['vu[0-3].sock', 'vu7.sock', false],
    ['vu[!0-3].sock', 'vu7.sock', true],
    ['vu[]x].sock', 'vu].sock', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['***', 'a/b', true],
    ['', '', true],
    ['', 'a', false],
  ];
  for (const [pattern, path, expected] of cases) assert.equal(globMatches(pattern, path), expected, `${pattern} vs ${path}`);
  for (const bad of ['/run/[z-a].sock', '/run/[abc', 'tail\\', 'x'.repeat(5000)]) assert.equal(compileGlob(bad).ok, false, bad);
});

test('a malformed glob class in a directive is MS100 on the directive value, not an internal error', () => {
  const text = "# memslot: --vhost-user '/run/[z-a].sock=32'\nqemu-system-x86_64 -m 1G\n";
  const findings = allFindings(analyzeText(text, { path: 'x.sh' }));
  assert.deepEqual(findings.map((f) => [f.code, f.range]), [['MS100', rangeOf(text, "'/run/[z-a].sock=32'")]]);
  assert.match(findings[0].message, /class range 'z-a' in the glob runs backwards/);
  assert.deepEqual(parseProfileOptions(['--vhost-user', '/run/[ab.sock=32']).errors.length, 1);
});

test('a position on the \\n of a CRLF is the end of its line, never past the \\r', () => {
  const document = new DocumentText('ab\r\ncd\r\n');
  assert.deepEqual(document.positionAt(3), { line: 0, character: 2 });
  assert.deepEqual(document.rangeOf(0, 3), { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } });
  assert.deepEqual(document.positionAt(4), { line: 1, character: 0 });
  assert.deepEqual(document.positionAt(8), { line: 2, character: 0 });
});

test('MS005/MS006 with thousands of DIMMs that do not fit: one finding, totals right', () => {
  const findings = allFindings(analyzeText(refusedDimms(3000), { path: 'x.sh' }));
  const slots = findings.filter((f) => f.code === 'MS006');
  assert.equal(slots.length, 1);
  assert.match(slots[0].message, /3000 DIMMs need 3000 of -m slots=/);
  assert.match(slots[0].message, /(?:at least|≥) (?:2.9\d* TiB|3004 GiB)/);
});

test(`MS012: the first ${maxBackendsCheckedAlone} undeclared back-ends are judged one by one, the rest together`, () => {
  const findings = allFindings(analyzeText(undeclaredBackends(1000), { path: 'x.sh' })).filter((f) => f.code === 'MS012');
  assert.equal(findings.length, maxBackendsCheckedAlone + 1);
  assert.match(findings[0].message, /fs0's undeclared back-end limit: QEMU starts with 509, refuses with 8 or 32/);
  const together = findings[maxBackendsCheckedAlone];
  assert.match(together.message, new RegExp(`'fs${maxBackendsCheckedAlone}' and ${1000 - maxBackendsCheckedAlone - 1} more back-ends: limits undeclared; with 8 or 32 for all, QEMU refuses`));
  assert.ok(together.message.length <= 110, together.message);
  // Each option of a directive is applied in turn, so the later one is tried first.
  // Few undeclared back-ends: no summary.
  const few = allFindings(analyzeText(undeclaredBackends(3), { path: 'x.sh' })).filter((f) => f.code === 'MS012');
  assert.equal(few.length, 3);
});

test('20,000 directive lines: every one applies, and a later directive still wins', () => {
  const text = manyDirectives(20_000);
  const analysis = analyzeText(text, { path: 'x.sh' });
  const machine = analysis.machines[0];
  assert.equal(machine.profile.vhostUserBackends.length, 20_000);
  assert.equal(machine.simulation?.unknownBackends.length, 0);
  const fs1 = machine.simulation?.consumers.find((c) => c.id === 'fs1');
  assert.equal(fs1?.limit, ((7 % 500) + 8));
  const later = 'qemu-system-x86_64 -m 1G\n# memslot: --vhost-user /s.sock=32\n# memslot: --vhost-user /s.sock=8 --vhost-user /*.sock=16\n';
  const profile = analyzeText(later, { path: 'x.sh' }).machines[0].profile;
  assert.deepEqual(profile.vhostUserBackends.map((r) => `${r.pattern}=${r.limit}`), ['/*.sock=16', '/s.sock=8', '/s.sock=32']);
});

test('rule lookup: plain names and globs keep first-match order', () => {
  const p = applyProfileOptions(defaultHostProfile(), parseProfileOptions([
    '--vhost-user', '/run/*.sock=32', '--vhost-user', '/run/a.sock=8', '--vhost-user', 'a.sock=64', '--vhost-user', 'chr0=100',
  ]).overrides, 'cli');
  assert.equal(findVhostUserRule(p, '/run/a.sock', 'chr0')?.limit, 32);
  assert.equal(findVhostUserRule(p, '/other/a.sock', 'chr0')?.limit, 64);
  assert.equal(findVhostUserRule(p, '/other/b.sock', 'chr0')?.limit, 100);
  assert.equal(findVhostUserRule(p, '/other/b.sock', 'chr1'), undefined);
});
