import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * `npm run lint` enforces the layering of README.md (Layout) on imports, and keeps rules from
 * branching on the front end or searching XML text (CONTRIBUTING.md, the fix of a rule). This lints
 * small files laid out like the repository with the project's own configuration: each deliberate
 * violation must fail with its lint rule (no-restricted-imports unless named), each allowed probe must pass.
 */
const frontendModel = "declare const model: { frontend: 'qemu' | 'libvirt' };\n";
const probes: Array<{ path: string; source: string; violates: boolean; rule?: string }> = [
  { path: 'server/src/model/probe.ts', source: "import * as imported from '../simulator';\nexport { imported };", violates: true },
  { path: 'server/src/model/probe2.ts', source: "import * as imported from './range';\nexport { imported };", violates: false },
  { path: 'server/src/frontends/qemu/probe.ts', source: "import * as imported from '../../rules';\nexport { imported };", violates: true },
  { path: 'server/src/frontends/qemu/probe2.ts', source: "import * as imported from '../../model/codes';\nexport { imported };", violates: false },
  { path: 'server/src/simulator/probe.ts', source: "import * as imported from '../frontends';\nexport { imported };", violates: true },
  { path: 'server/src/rules/probe.ts', source: "import * as imported from '../directives';\nexport { imported };", violates: true },
  { path: 'server/src/rules/probe2.ts', source: "import * as imported from 'vscode-languageserver/node';\nexport { imported };", violates: true },
  { path: 'server/src/rules/probe3.ts', source: "import * as simulator from '../simulator';\nimport * as codes from '../model/codes';\nexport { simulator, codes };", violates: false },
  { path: 'server/src/analysis-probe.ts', source: "import * as imported from 'vscode-languageserver';\nexport { imported };", violates: true },
  { path: 'server/src/lsp/probe.ts', source: "import * as imported from 'vscode-languageserver/node';\nexport { imported };", violates: false },
  { path: 'client/src/probe.ts', source: "import * as imported from '../../server/src/analysis';\nexport { imported };", violates: true },
  { path: 'server/src/rules/branch.ts', source: `${frontendModel}export const a = model.frontend === 'libvirt' ? 1 : 2;`, violates: true, rule: 'no-restricted-syntax' },
  { path: 'server/src/rules/branch2.ts', source: `${frontendModel}const { frontend } = model;\nexport const a = 'qemu' !== frontend;`, violates: true, rule: 'no-restricted-syntax' },
  { path: 'server/src/rules/branch3.ts', source: `${frontendModel}export function a(): number {\n  switch (model.frontend) { case 'qemu': return 1; default: return 2; }\n}`, violates: true, rule: 'no-restricted-syntax' },
  { path: 'server/src/rules/branch5.ts', source: "declare const kind: string;\nexport const a = kind === 'libvirt-xml';", violates: true, rule: 'no-restricted-syntax' },
  { path: 'server/src/rules/xml-regex.ts', source: "export const backing = /<memoryBacking\\b[^>]*>/.exec('');", violates: true, rule: 'no-restricted-syntax' },
  // Reading the front end is allowed, and so is a regular expression over anything but markup.
  { path: 'server/src/rules/branch4.ts', source: `${frontendModel}export const a = model.frontend;\nexport const b = /^\\S+$/.test('x');`, violates: false },
  // Front ends may branch on themselves.
  { path: 'server/src/frontends/branch.ts', source: `${frontendModel}export const a = model.frontend === 'libvirt';`, violates: false },
  { path: 'client/src/report/probe.ts', source: "import type * as imported from '../../../server/src/protocol';\nexport type { imported };", violates: false },
];

test('lint fails on imports that cross the layers and passes the allowed ones', () => {
  const root = mkdtempSync(join(tmpdir(), 'memslot-lint-'));
  for (const probe of probes) {
    mkdirSync(dirname(join(root, probe.path)), { recursive: true });
    writeFileSync(join(root, probe.path), `${probe.source}\n`);
  }
  const run = spawnSync(process.execPath, [resolve('node_modules/eslint/bin/eslint.js'), '--config', resolve('eslint.config.mjs'), '--format', 'json', '.'], {
    cwd: root, encoding: 'utf8', timeout: 120_000,
  });
  assert.ok(run.stdout, `eslint printed nothing: ${run.stderr}`);
  const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string }> }>;
  for (const probe of probes) {
    const result = results.find((r) => r.filePath === join(root, probe.path));
    assert.ok(result, `${probe.path} was linted`);
    const restricted = result.messages.filter((m) => m.ruleId === (probe.rule ?? 'no-restricted-imports'));
    assert.equal(restricted.length > 0, probe.violates, `${probe.path}: ${probe.source} → ${JSON.stringify(result.messages)}`);
  }
  // Only the crossings are problems: the allowed probes are clean, so the exit status is the boundaries'.
  for (const probe of probes.filter((p) => !p.violates)) {
    assert.deepEqual(results.find((r) => r.filePath === join(root, probe.path))?.messages, [], probe.path);
  }
  assert.equal(run.status, 1, 'eslint exits 1 when a boundary is crossed');
});
