import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { internalErrorCode } from '../../server/src/analysis';
import { frontendCodes } from '../../server/src/model/codes';

test('every code the core reports has a documentation page', () => {
  const codes = [...Object.values(frontendCodes).map((entry) => entry.code), internalErrorCode];
  for (const code of codes) {
    const page = `docs/rules/${code}.md`;
    assert.ok(existsSync(page), `${page} is missing`);
    const text = readFileSync(page, 'utf8');
    assert.match(text, new RegExp(`^# ${code} — `), `${page} starts with its code`);
    assert.match(text, /## How to fix/, `${page} says how to fix`);
  }
});
