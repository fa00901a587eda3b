import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
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

/**
 * Whether `path` lies inside one of `roots`, symlinks resolved. A name outside every root is
 * refused before the file system is asked anything: resolving it would stat files elsewhere (or
 * wait on an automounted or stale network path).
 */
export function isInsideRoots(roots: readonly string[], path: string): boolean {
  const absolute = resolve(path);
  const realRoots = roots.map(realPath);
  if (!roots.some((root, i) => isInside(resolve(root), absolute) || isInside(realRoots[i]!, absolute))) return false;
  const target = realPath(absolute);
  return realRoots.some((root) => isInside(root, target));
}

/**
 * The text of a regular file of at most `maxBytes`. Opened without blocking and checked on the open
 * descriptor: a FIFO or a device a document names (`-readconfig fifo`) would otherwise block the
 * reader forever or read without end.
 */
export function readRegularFile(path: string, maxBytes: number): { text: string } | { reason: string; code?: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'no such file' : `cannot read it${code ? `: ${code}` : ''}`, ...(code ? { code } : {}) };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { reason: 'not a regular file' };
    if (stat.size > maxBytes) return { reason: `larger than ${maxBytes / 2 ** 20} MiB` };
    return { text: readFileSync(fd, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: `cannot read it${code ? `: ${code}` : ''}`, ...(code ? { code } : {}) };
  } finally {
    closeSync(fd);
  }
}
