import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { superLinearProblems } from '../support/regex-safety';

/**
 * No regular expression in server/src may take super-linear time on a backtracking engine: every
 * regex literal and every `new RegExp('literal')` is checked (test/support/regex-safety.ts); a
 * RegExp built from a non-literal string is not allowed at all (it cannot be checked).
 */

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

interface FoundRegex {
  where: string;
  source?: string;
  flags?: string;
}

function regexesIn(path: string): FoundRegex[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: FoundRegex[] = [];
  const where = (node: ts.Node) => `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText();
      const end = text.lastIndexOf('/');
      found.push({ where: where(node), source: text.slice(1, end), flags: text.slice(end + 1) });
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? [];
      const literal = pattern && (ts.isStringLiteral(pattern) || ts.isNoSubstitutionTemplateLiteral(pattern)) ? pattern.text : undefined;
      found.push({ where: where(node), source: literal, flags: flags && ts.isStringLiteral(flags) ? flags.text : '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

test('the checker flags the classic super-linear shapes and passes linear ones', () => {
  for (const bad of ['(a+)+$', '(\\w+\\s?)*$', '\\s*\\s*$', 'a*\\w+!', '(a|ab)*c', '^(<!--[\\s\\S]*?-->\\s*)*<domain', '.*.*=', '\\d+\\.?\\d*x']) {
    assert.notDeepEqual(superLinearProblems(bad), [], bad);
  }
  for (const good of ['^\\d+$', '^[A-Za-z_][A-Za-z0-9_]*=', '([^,]*),([^,]*)', '\\s+(\\S+)', '(?:[^"\\\\]|\\\\.)*"', '^MS\\d{3}$', '[^/]*\\.sock$', 'a{1,3}b{2}', '^qemu-system-([A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*?)$', '^(\\d+)(?:-(\\d+))?$', '(?:\\s*x)*y']) {
    assert.deepEqual(superLinearProblems(good), [], good);
  }
});

test('no regular expression in server/src can take super-linear time', () => {
  const problems: string[] = [];
  let count = 0;
  for (const path of sources('server/src')) {
    for (const regex of regexesIn(path)) {
      count++;
      if (regex.source === undefined) {
        problems.push(`${regex.where}: a RegExp built from a non-literal string cannot be checked`);
        continue;
      }
      const found = superLinearProblems(regex.source, regex.flags);
      if (found.length) problems.push(`${regex.where}: /${regex.source}/${regex.flags}: ${found.join(', ')}`);
    }
  }
  assert.ok(count > 50, `found only ${count} regular expressions: is the scan broken?`);
  assert.deepEqual(problems, []);
});
