import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface GrammarRule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  patterns?: GrammarRule[];
  [key: string]: unknown;
}

function rulesOf(rule: GrammarRule): GrammarRule[] {
  return [rule, ...(rule.patterns ?? []).flatMap(rulesOf)];
}

const grammar = JSON.parse(readFileSync('syntaxes/qemu-args.tmLanguage.json', 'utf8')) as {
  scopeName: string;
  patterns: GrammarRule[];
  repository: Record<string, GrammarRule>;
};
const allRules = [...grammar.patterns, ...Object.values(grammar.repository)].flatMap(rulesOf);

test('the grammar is the one package.json points at', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { grammars: Array<{ scopeName: string; path: string }> } };
  const entry = manifest.contributes.grammars.find((candidate) => candidate.path.endsWith('qemu-args.tmLanguage.json'));
  assert.equal(entry?.scopeName, grammar.scopeName);
});

test('every regex compiles in JavaScript and every include resolves', () => {
  for (const rule of allRules) {
    for (const key of ['match', 'begin', 'end'] as const) {
      const source = rule[key];
      if (source !== undefined) assert.doesNotThrow(() => new RegExp(source), `${key}: ${source}`);
    }
    if (rule.include?.startsWith('#')) assert.ok(rule.include.slice(1) in grammar.repository, rule.include);
  }
});

/** Rules in the grammar's order, with `#name` includes followed (each once). */
function expanded(rule: GrammarRule, seen = new Set<string>()): GrammarRule[] {
  if (rule.include?.startsWith('#')) {
    const name = rule.include.slice(1);
    if (seen.has(name)) return [];
    seen.add(name);
    return expanded(grammar.repository[name], seen);
  }
  return [rule, ...(rule.patterns ?? []).flatMap((child) => expanded(child, seen))];
}

/** The first rule (in the grammar's order) that matches `text` whole. */
function scopeOf(repositoryKey: string, text: string): string | undefined {
  for (const rule of expanded(grammar.repository[repositoryKey])) {
    if (rule.match && new RegExp(`^(?:${rule.match})$`).test(text)) return String(rule.name ?? '');
  }
  return undefined;
}

test('QemuOpts pieces get the scopes a theme colours', () => {
  assert.equal(scopeOf('qemuopts', ',,'), 'constant.character.escape.comma.qemu-args');
  assert.equal(scopeOf('qemuopts', ','), 'punctuation.separator.comma.qemu-args');
  assert.equal(scopeOf('qemuopts', '4G'), 'constant.numeric.size.qemu-args');
  assert.equal(scopeOf('qemuopts', '0x150000000'), 'constant.numeric.hex.qemu-args');
  assert.equal(scopeOf('qemuopts', 'on'), 'constant.language.boolean.qemu-args');
  assert.equal(scopeOf('qemuopts', '$MEM'), 'variable.other.expansion.qemu-args');
  assert.equal(scopeOf('option', '-device'), 'keyword.other.option.qemu-args');
  assert.equal(scopeOf('binary', '/usr/bin/qemu-system-x86_64'), 'entity.name.function.binary.qemu-args');
  assert.equal(scopeOf('comment', '# a comment'), 'comment.line.number-sign.qemu-args');
  assert.equal(scopeOf('line-continuation', '\\'), 'constant.character.escape.line-continuation.qemu-args');
  assert.equal(scopeOf('option', 'virtio-mem-pci'), undefined, 'a value is not an option');
});

test('the language configuration is valid JSON with # comments', () => {
  const configuration = JSON.parse(readFileSync('syntaxes/qemu-args.language-configuration.json', 'utf8')) as { comments: { lineComment: string } };
  assert.equal(configuration.comments.lineComment, '#');
});
