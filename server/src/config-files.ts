import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isInside as inside, realPath as real } from './workspace-paths';
import type { ConfigFileReader } from './frontends/qemu';

/**
 * The adapters' `-readconfig` reader (the core never touches the file system): a file named in a
 * document is read only when it lies inside one of `roots` (the editor's workspace folders; for
 * the CLI, the folder of the file being checked), symlinks resolved, and is small. A relative name
 * is taken from the document's folder.
 */
const maxConfigBytes = 1024 * 1024;

export function configFileReader(documentPath: string, roots: readonly string[], outsideReason: string): ConfigFileReader {
  const realRoots = roots.map(real);
  return (name) => {
    const path = real(isAbsolute(name) ? name : resolve(dirname(documentPath), name));
    if (!realRoots.some((root) => inside(root, path))) return { reason: outsideReason };
    try {
      if (statSync(path).size > maxConfigBytes) return { reason: 'larger than 1 MiB' };
      return { text: readFileSync(path, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { reason: code === 'ENOENT' ? 'no such file' : `cannot read it${code ? `: ${code}` : ''}` };
    }
  };
}
