import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { resolve, isAbsolute, relative } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import workerThreads from 'node:worker_threads';

/**
 * A trap preloaded into a process (`node --require <bundle of this file> dist/server.js`), in the
 * main thread and in every worker thread. It records, one JSON line each in MEMSLOT_TRAP_LOG:
 *
 * - a file opened, read or listed outside the allowed folders (symlinks resolved), and a stat,
 *   existence check, realpath or readlink of a path outside them (by its name);
 * - any file written, created or removed;
 * - any child process, network connection or listening socket, DNS query, HTTP request or fetch;
 * - a worker thread other than a file inside the allowed install folders;
 * - a native addon loaded.
 *
 * MEMSLOT_TRAP_ALLOW is a JSON object: `workspace` (folders whose files may be read: the test's
 * workspace) and `install` (the server's own files: dist/, package.json, docs/rules/). Reads that
 * are allowed are logged too (with `allowed: true`), so a test can see the trap saw them. A
 * forbidden call is logged, then fails with EACCES (so nothing leaves the process).
 */

interface Allow {
  workspace: string[];
  install: string[];
}

const log = process.env.MEMSLOT_TRAP_LOG;
const allow = JSON.parse(process.env.MEMSLOT_TRAP_ALLOW ?? '{"workspace":[],"install":[]}') as Allow;
// The trap's own file access: the log opened before the trap is set (node's appendFileSync calls
// fs.writeFileSync, which the trap replaces), written by descriptor; realpath as it was.
const logFd = log ? fs.openSync(log, 'a') : undefined;
const original = { realpathSync: fs.realpathSync, writeSync: fs.writeSync };

function record(entry: Record<string, unknown>): void {
  if (logFd !== undefined) original.writeSync(logFd, `${JSON.stringify({ thread: workerThreads.threadId, ...entry })}\n`);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function pathOf(argument: unknown): string | undefined {
  if (typeof argument === 'string') return resolve(argument);
  if (Buffer.isBuffer(argument)) return resolve(argument.toString());
  if (argument instanceof URL) return argument.protocol === 'file:' ? fileURLToPath(argument) : undefined;
  return undefined;
}

function realOf(path: string): string {
  try {
    return original.realpathSync(path);
  } catch {
    return path;
  }
}

const allowedFolders = () => [...allow.workspace, ...allow.install].flatMap((folder) => [folder, realOf(folder)]);

function forbidden(call: string, detail: string): Error {
  record({ call, detail, allowed: false });
  const error = new Error(`${call} ${detail}: refused by the test's trap`) as NodeJS.ErrnoException;
  error.code = 'EACCES';
  return error;
}

type Checker = (call: string, args: unknown[]) => Error | undefined;

/** Reads: the target (symlinks resolved) must be inside an allowed folder. */
const readCheck: Checker = (call, args) => {
  const path = pathOf(args[0]);
  if (path === undefined) return undefined; // a file descriptor: its open was checked
  const real = realOf(path);
  if (allowedFolders().some((folder) => inside(folder, real))) {
    record({ call, detail: path, allowed: true });
    return undefined;
  }
  return forbidden(call, path);
};

/** Looking at a name (stat, exists, realpath): the name must be inside an allowed folder. */
const lookCheck: Checker = (call, args) => {
  const path = pathOf(args[0]);
  if (path === undefined || allowedFolders().some((folder) => inside(folder, path))) return undefined;
  return forbidden(call, path);
};

const always: Checker = (call, args) => forbidden(call, describe(args));

function describe(args: unknown[]): string {
  try {
    return JSON.stringify(args.filter((arg) => typeof arg !== 'function')).slice(0, 300);
  } catch {
    return String(args[0]);
  }
}

/** Replaces `target[name]` by a function that checks its call first; a refused call throws, or calls back with the error. */
function wrap(target: object, label: string, names: string[], check: Checker): void {
  const table = target as Record<string, unknown>;
  for (const name of names) {
    const fn = table[name];
    if (typeof fn !== 'function') continue;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const error = check(`${label}.${name}`, args);
      if (!error) return (fn as (...a: unknown[]) => unknown).apply(this, args);
      const callback = args[args.length - 1];
      if (typeof callback === 'function' && !name.endsWith('Sync')) {
        process.nextTick(() => (callback as (e: Error) => void)(error));
        return undefined;
      }
      throw error;
    };
    Object.assign(wrapped, fn); // keeps realpathSync.native and the like
    table[name] = wrapped;
  }
}

const reads = ['open', 'openSync', 'readFile', 'readFileSync', 'createReadStream', 'readdir', 'readdirSync', 'opendir', 'opendirSync', 'watch', 'watchFile'];
const looks = ['stat', 'statSync', 'lstat', 'lstatSync', 'exists', 'existsSync', 'access', 'accessSync', 'realpath', 'realpathSync', 'readlink', 'readlinkSync'];
const writes = ['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdir', 'mkdirSync', 'mkdtemp', 'mkdtempSync',
  'rm', 'rmSync', 'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'rename', 'renameSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync', 'symlink',
  'symlinkSync', 'link', 'linkSync', 'chmod', 'chmodSync', 'chown', 'chownSync', 'truncate', 'truncateSync', 'utimes', 'utimesSync'];
wrap(fs, 'fs', reads, readCheck);
wrap(fs, 'fs', looks, lookCheck);
wrap(fs, 'fs', writes, always);
wrap(fs.realpathSync, 'fs.realpathSync', ['native'], lookCheck);
wrap(fs.promises, 'fs.promises', ['open', 'readFile', 'readdir', 'opendir', 'watch'], readCheck);
wrap(fs.promises, 'fs.promises', ['stat', 'lstat', 'access', 'realpath', 'readlink'], lookCheck);
wrap(fs.promises, 'fs.promises', writes.filter((name) => !name.endsWith('Sync')), always);
wrap(childProcess, 'child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], always);
wrap(net, 'net', ['connect', 'createConnection'], always);
wrap(net.Socket.prototype, 'net.Socket', ['connect'], always);
wrap(net.Server.prototype, 'net.Server', ['listen'], always);
wrap(tls, 'tls', ['connect'], always);
wrap(dgram, 'dgram', ['createSocket'], always);
wrap(http, 'http', ['request', 'get'], always);
wrap(https, 'https', ['request', 'get'], always);
wrap(dns, 'dns', ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt',
  'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'reverse'], always);
wrap(dns.promises, 'dns.promises', ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse'], always);
wrap(globalThis, 'globalThis', ['fetch'], always);
wrap(process, 'process', ['dlopen'], always);

// A worker is allowed when it runs a file of the install (the server's own worker), not code from a string.
const OriginalWorker = workerThreads.Worker;
class TrappedWorker extends OriginalWorker {
  constructor(filename: string | URL, options?: workerThreads.WorkerOptions) {
    const path = options?.eval ? undefined : pathOf(filename);
    const real = path === undefined ? undefined : realOf(path);
    if (real === undefined || !allow.install.some((folder) => inside(realOf(folder), real))) {
      throw forbidden('worker_threads.Worker', options?.eval ? `eval ${String(filename).slice(0, 100)}` : String(filename));
    }
    record({ call: 'worker_threads.Worker', detail: real, allowed: true });
    super(filename, options);
  }
}
(workerThreads as { Worker: typeof OriginalWorker }).Worker = TrappedWorker;

record({ call: 'armed', detail: workerThreads.isMainThread ? 'main thread' : 'worker', allowed: true });
