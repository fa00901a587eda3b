import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../../server/src/cli/decode';
import { FuzzChecker } from './checks';

/**
 * Every input that ever froze, crashed or misplaced a range, one test each, through the fuzz
 * checks. The file name gives the front end (its extension) and what it once did.
 */

const dir = join('test', 'fixtures', 'regressions');
const checker = new FuzzChecker();
after(() => checker.dispose());

for (const name of readdirSync(dir).filter((file) => !file.endsWith('.md')).sort()) {
  test(`regression: ${name}`, async () => {
    const text = decodeText(readFileSync(join(dir, name)));
    assert.deepEqual(await checker.problems(text, { path: name }), []);
  });
}
