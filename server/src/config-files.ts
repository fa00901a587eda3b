import { dirname, isAbsolute, resolve } from 'node:path';
import { isInsideRoots, readRegularFile } from './workspace-paths';
import type { ConfigFileReader } from './frontends/qemu';

/**
 * The adapters' `-readconfig` reader (the core never touches the file system): a file named in a
 * document is read only when it lies inside one of `roots` (the editor's workspace folders; for
 * the CLI, the folder of the file being checked), symlinks resolved, and is a small regular file.
 * A relative name is taken from the document's folder.
 */
const maxConfigBytes = 1024 * 1024;

export function configFileReader(documentPath: string, roots: readonly string[], outsideReason: string): ConfigFileReader {
  return (name) => {
    const path = isAbsolute(name) ? name : resolve(dirname(documentPath), name);
    if (!isInsideRoots(roots, path)) return { reason: outsideReason };
    const read = readRegularFile(path, maxConfigBytes);
    return 'text' in read ? { text: read.text } : { reason: read.reason };
  };
}
