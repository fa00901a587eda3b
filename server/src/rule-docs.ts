import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where each code's documentation page lives. The bundles sit in dist/, the pages in docs/rules/
 * beside it, so an installed extension or a checkout links to its own copy (which matches the code
 * that produced the finding); the web base is the fallback when the pages were not shipped.
 */
export const ruleDocsBaseUrl = 'https://github.com/memslot/memslot/blob/main/docs/rules/';

export function ruleDocUrl(code: string, docsDirectory: string = defaultDocsDirectory()): string {
  const page = resolve(docsDirectory, `${code}.md`);
  return existsSync(page) ? pathToFileURL(page).href : `${ruleDocsBaseUrl}${code}.md`;
}

function defaultDocsDirectory(): string {
  // __dirname is dist/ in the bundles; the project root is its parent.
  return resolve(__dirname, '..', 'docs', 'rules');
}
