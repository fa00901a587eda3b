import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** memslot's version from the package.json beside dist/ (the bundles run from dist/, in the repository and the .vsix). */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
