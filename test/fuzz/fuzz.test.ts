import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuzzChecker } from './checks';
import { qemuDocument, xmlDocument } from './generators';
import { Random } from './random';

/**
 * Fuzzing in CI: structure-aware inputs for both front ends from a fixed seed, each within a time
 * bound linear in its size (see checks.ts), the whole run bounded in time. A failing input is
 * written to out/fuzz-failures/; add it to test/fixtures/regressions/ (regressions.test.ts runs
 * each file there through the same checks) with the fix.
 *
 * MEMSLOT_FUZZ_SEED and MEMSLOT_FUZZ_INPUTS explore further locally; CI uses the defaults.
 */

const seed = Number(process.env.MEMSLOT_FUZZ_SEED ?? 20261202);
const inputs = Number(process.env.MEMSLOT_FUZZ_INPUTS ?? 150);
/** The whole run stops here even if inputs remain (the suite's fuzz share of ≤ 3 minutes). */
const totalBudgetMs = Number(process.env.MEMSLOT_FUZZ_BUDGET_MS ?? 90_000);

const checker = new FuzzChecker();
after(() => checker.dispose());

test(`fuzz: ${inputs} structure-aware inputs from seed ${seed}, within ${totalBudgetMs / 1000} s`, { timeout: totalBudgetMs + 120_000 }, async () => {
  const random = new Random(seed);
  const started = Date.now();
  const failures: string[] = [];
  let ran = 0;
  let characters = 0;
  for (let index = 0; index < inputs && Date.now() - started < totalBudgetMs; index++) {
    const input = index % 2 === 0 ? qemuDocument(random) : xmlDocument(random);
    ran++;
    characters += input.text.length;
    const problems = await checker.problems(input.text, input.hint);
    if (problems.length === 0) continue;
    const dir = join('out', 'fuzz-failures');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `seed-${seed}-input-${index}-${input.hint.path}`);
    writeFileSync(file, input.text);
    failures.push(`input ${index} (${input.recipe}; ${input.text.length} chars, saved as ${file}):\n  ${problems.slice(0, 5).join('\n  ')}`);
  }
  console.log(`fuzz: ${ran} inputs, ${characters} characters, ${Math.round((Date.now() - started) / 1000)} s`);
  assert.ok(ran >= Math.min(inputs, 50), `only ${ran} inputs ran within the budget`);
  assert.deepEqual(failures, []);
});
