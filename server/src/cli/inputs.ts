import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { looksLikeDomainXml, scanXmlRoot } from '../frontends';
import { decodeText } from './decode';

/** File names the CLI reads when walking a directory; files named explicitly are always read. */
const candidateName = /\.(sh|bash|qemu|qemuargs|args|xml)$/i;

export interface InputFile {
  path: string;
  text: string;
}

export interface InputCollection {
  files: InputFile[];
  /** Paths that could not be read: the CLI reports them and exits with 2. */
  errors: string[];
}

export function collectInputs(paths: string[]): InputCollection {
  const collection: InputCollection = { files: [], errors: [] };
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      collection.errors.push(`${path}: ${describe(error)}`);
      continue;
    }
    if (isDirectory) walk(path, collection);
    else readInto(path, collection);
  }
  return collection;
}

function walk(directory: string, collection: InputCollection): void {
  let names: string[];
  try {
    names = readdirSync(directory).sort();
  } catch (error) {
    collection.errors.push(`${directory}: ${describe(error)}`);
    return;
  }
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = join(directory, name);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      continue; // a dangling symlink met while walking is not something the user asked for
    }
    if (isDirectory) {
      walk(path, collection);
    } else if (candidateName.test(name)) {
      const file = read(path, collection);
      if (file && (!/\.xml$/i.test(name) || looksLikeDomainXml(file.text))) collection.files.push(file);
    }
  }
}

/** A file named on the command line is always read; an XML one that is not a domain says why it is not analysed. */
function readInto(path: string, collection: InputCollection): void {
  const file = read(path, collection);
  if (!file) return;
  if (/\.xml$/i.test(path)) {
    const why = whyNotDomainXml(file.text);
    if (why !== undefined) {
      collection.errors.push(`${path}: not analysed: ${why}`);
      return;
    }
  }
  collection.files.push(file);
}

function whyNotDomainXml(text: string): string | undefined {
  const scan = scanXmlRoot(text);
  if (scan.kind === 'unreadable') return scan.reason;
  if (scan.kind === 'none') return 'no root element found (is it XML?)';
  if (scan.name !== 'domain') return `its root element is <${scan.name}>, not a libvirt <domain>`;
  return undefined;
}

function read(path: string, collection: InputCollection): InputFile | undefined {
  try {
    return { path, text: decodeText(readFileSync(path)) };
  } catch (error) {
    collection.errors.push(`${path}: ${describe(error)}`);
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'no such file or directory';
  return error instanceof Error ? error.message : String(error);
}
