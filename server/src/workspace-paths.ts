import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * The adapters' one test of "inside the workspace" for the files a document names (a `-readconfig`
 * file, a hot-plug plan's VM): paths are compared after symlinks are resolved, so no link leads out.
 */

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path when the file exists, else the path made absolute. */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
