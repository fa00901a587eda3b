import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * Code comments cite the facts they rest on as `docs/facts/PAGE.md#anchor`. These tests keep the
 * citations from rotting: every cited page exists and has a heading with that anchor, the pages'
 * own links between each other resolve, and nothing cites the research notes that are not in the
 * repository ("spec §…").
 */

const root = process.cwd();
const sourceDirs = ['server/src', 'client/src', 'test', 'bench', 'scripts'];
const sourceFile = /\.(ts|mts|mjs|js|lua|sh)$/;
const skippedDirs = new Set(['node_modules', 'libvirt-corpus', 'regressions', 'sarif']);

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!skippedDirs.has(name)) out.push(...filesUnder(path, accept));
    } else if (accept(name)) out.push(path);
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, spaces to `-`, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = (heading[1] ?? '').replace(/`/g, '');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

interface Citation {
  from: string;
  line: number;
  page: string;
  anchor: string | null;
}

/** What is wrong with one citation, or null. `page` is relative to the repository root. */
function citationProblem(citation: Citation, read: (page: string) => string | null): string | null {
  const text = read(citation.page);
  if (text === null) return `${citation.from}:${citation.line}: ${citation.page} does not exist`;
  if (citation.anchor !== null && !headingAnchors(text).has(citation.anchor)) {
    return `${citation.from}:${citation.line}: ${citation.page} has no heading #${citation.anchor}`;
  }
  return null;
}

function readPage(page: string): string | null {
  const path = join(root, page);
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : null;
}

function citationsInSources(): Citation[] {
  const citations: Citation[] = [];
  for (const dir of sourceDirs) {
    for (const file of filesUnder(join(root, dir), (name) => sourceFile.test(name) && name !== 'facts-citations.test.ts')) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const [index, line] of lines.entries()) {
        for (const match of line.matchAll(/\bdocs\/[\w./-]+?\.md(?:#([\w-]+))?/g)) {
          const page = match[0].replace(/#.*$/, '');
          citations.push({ from: file.slice(root.length + 1), line: index + 1, page, anchor: match[1] ?? null });
        }
      }
    }
  }
  return citations;
}

test('the anchor reader follows GitHub: punctuation dropped, code spans kept, repeats numbered', () => {
  const anchors = headingAnchors('# Title\n## vhost check A\n## `-m` checks\n```\n## not a heading\n```\n## Sizes\n## Sizes\n');
  assert.deepEqual([...anchors], ['title', 'vhost-check-a', '-m-checks', 'sizes', 'sizes-1']);
});

test('a citation of a missing page or heading is reported', () => {
  const pages: Record<string, string> = { 'docs/facts/a.md': '# A\n## Netdevs first\n' };
  const read = (page: string) => pages[page] ?? null;
  assert.equal(citationProblem({ from: 'x.ts', line: 1, page: 'docs/facts/a.md', anchor: 'netdevs-first' }, read), null);
  assert.match(String(citationProblem({ from: 'x.ts', line: 2, page: 'docs/facts/a.md', anchor: 'netdevs-last' }, read)), /no heading #netdevs-last/);
  assert.match(String(citationProblem({ from: 'x.ts', line: 3, page: 'docs/facts/b.md', anchor: null }, read)), /does not exist/);
});

test('every docs/….md#anchor cited in the code and tests exists', () => {
  const citations = citationsInSources();
  const facts = citations.filter((citation) => citation.page.startsWith('docs/facts/'));
  // Guard against a vacuous pass: the simulator and the rules cite the facts pages.
  assert.ok(facts.length >= 40, `citations of docs/facts found: ${facts.length}`);
  assert.ok(facts.some((citation) => citation.from.startsWith('server/src/rules/')), 'the rules cite docs/facts');
  // Other docs paths without an anchor are templates or URLs (docs/rules/CODE.md), not citations.
  const cited = citations.filter((citation) => citation.page.startsWith('docs/facts/') || citation.anchor !== null);
  const problems = cited.map((citation) => citationProblem(citation, readPage)).filter((problem) => problem !== null);
  assert.deepEqual(problems, []);
});

test('links between the facts pages resolve', () => {
  const problems: string[] = [];
  const pages = filesUnder(join(root, 'docs'), (name) => name.endsWith('.md'));
  assert.ok(pages.length >= 10, `docs pages: ${pages.length}`);
  for (const file of pages) {
    const from = file.slice(root.length + 1);
    for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
      for (const match of line.matchAll(/\]\(([^)\s]*?)(?:#([\w-]+))?\)/g)) {
        const target = match[1] ?? '';
        if (/^[a-z]+:/.test(target)) continue;
        const page = target === '' ? from : normalize(join(dirname(from), target));
        if (!page.endsWith('.md')) continue;
        const problem = citationProblem({ from, line: index + 1, page, anchor: match[2] ?? null }, readPage);
        if (problem) problems.push(problem);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('no comment cites the research notes outside the repository ("spec §…")', () => {
  const stale: string[] = [];
  for (const dir of sourceDirs) {
    for (const file of filesUnder(join(root, dir), (name) => sourceFile.test(name) && name !== 'facts-citations.test.ts')) {
      for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
        if (/spec §|shared\/spec\//.test(line)) stale.push(`${file.slice(root.length + 1)}:${index + 1}`);
      }
    }
  }
  assert.deepEqual(stale, []);
});
