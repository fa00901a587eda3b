import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';

/**
 * One file-naming style: kebab-case (lower-case words joined by '-'), as the rules' files
 * (`ms001-vhost-refused-after-memslot-decision.ts`) are. Fixtures keep the names of the inputs they copy.
 */
const kebab = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)*$/;

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
  return listed.split('\n').filter((path) => /\.(ts|mjs|c|sh|lua)$/.test(path) && !path.startsWith('test/fixtures/'));
}

test('every source, test, bench and script file is named in kebab-case', () => {
  const files = sourceFiles();
  assert.ok(files.some((path) => path.startsWith('server/src/')), 'git ls-files found no sources: run from the repository root');
  const offenders = files.filter((path) => !kebab.test(basename(path)));
  assert.deepEqual(offenders, [], `rename to kebab-case: ${offenders.join(', ')}`);
});

test('the naming check recognises a camelCase name', () => {
  assert.equal(kebab.test('shellWords.ts'), false);
  assert.equal(kebab.test('shell-words.ts'), true);
  assert.equal(kebab.test('features-code-actions.test.ts'), true);
});
