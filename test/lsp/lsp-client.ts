import { spawn, type ChildProcess } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { createServer } from '../../server/src/server';

/**
 * A real LSP client: the same JSON-RPC bytes an editor sends, either to `createServer` on in-memory
 * streams in this process (fast; the default) or over the stdio of `node dist/server.js --stdio`
 * (the built program, for smoke tests). Collects every publishDiagnostics so tests wait for a
 * condition instead of sleeping.
 */
export interface StartOptions {
  /** Answers `workspace/configuration` for section 'memslot'; when given, the client declares configuration support. */
  settings?: () => unknown;
  /** 'stdio' runs dist/server.js in a child process; default: in this process. */
  transport?: 'in-process' | 'stdio';
  /** Typing delay of the server (MEMSLOT_CHANGE_DELAY_MS for a stdio server). */
  changeDelayMs?: number;
  /** A stdio server only: node options before dist/server.js (e.g. `--require` a preload). */
  nodeArgs?: string[];
  /** A stdio server only: environment variables added to this process's. */
  env?: Record<string, string>;
  /** Workspace folder paths the client declares (none by default). */
  workspaceFolders?: string[];
}

interface ServerEnd {
  readonly connection: ProtocolConnection;
  readonly running: () => boolean;
  readonly stderr: () => string;
  readonly pid?: number;
  stop(): Promise<void>;
}

function stdioServer(options: StartOptions): ServerEnd {
  // The built server finds its own dist/analysis-worker.js, not the test runner's build of it.
  const { MEMSLOT_ANALYSIS_WORKER: _testWorker, ...inherited } = process.env;
  const env = {
    ...inherited,
    ...options.env,
    ...(options.changeDelayMs === undefined ? {} : { MEMSLOT_CHANGE_DELAY_MS: String(options.changeDelayMs) }),
  };
  const args = [...options.nodeArgs ?? [], resolve('dist/server.js'), '--stdio'];
  const server: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  if (!server.stdout || !server.stdin) throw new Error('server has no stdio');
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return {
    connection: createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin)),
    running: () => server.exitCode === null,
    stderr: () => stderr,
    ...(server.pid === undefined ? {} : { pid: server.pid }),
    async stop() {
      if (server.exitCode !== null) return;
      await new Promise<void>((done) => {
        const timer = setTimeout(() => { server.kill(); done(); }, 5_000);
        server.once('exit', () => { clearTimeout(timer); done(); });
      });
    },
  };
}

function inProcessServer(options: StartOptions): ServerEnd {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // Reader and writer objects, not streams: given streams, the library exits the process when they end.
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  createServer(serverConnection, options.changeDelayMs === undefined ? {} : { changeDelayMs: options.changeDelayMs });
  let running = true;
  return {
    connection: createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer)),
    running: () => running,
    stderr: () => '',
    async stop() {
      running = false;
      serverConnection.dispose();
      toServer.end();
      toClient.end();
    },
  };
}

export class LspTestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  /** window/showMessage notifications, in order. */
  readonly messages: Array<{ type: number; message: string }> = [];
  /** window/logMessage notifications (the editor's output channel), in order. */
  readonly logs: Array<{ type: number; message: string }> = [];
  /** How many times the server pulled the settings. */
  configurationRequests = 0;
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly server: ServerEnd, readonly connection: ProtocolConnection, private readonly stdio: boolean) {}

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const stdio = options.transport === 'stdio';
    const server = stdio ? stdioServer(options) : inProcessServer(options);
    const connection = server.connection;
    const client = new LspTestClient(server, connection, stdio);
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      client.published.push(params);
      for (const wake of client.waiters.splice(0)) wake();
    });
    connection.onNotification('window/showMessage', (params: { type: number; message: string }) => { client.messages.push(params); });
    connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
      client.logs.push(params);
      for (const wake of client.waiters.splice(0)) wake();
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) => {
      client.configurationRequests++;
      for (const wake of client.waiters.splice(0)) wake();
      return params.items.map((item) => (item.section === 'memslot' ? options.settings?.() ?? null : null));
    });
    connection.listen();
    const capabilities = options.settings
      ? { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, inlayHint: { refreshSupport: true } } }
      : {};
    // Given a process id, the library polls that process forever: an in-process server gets none.
    const folders = (options.workspaceFolders ?? []).map((path) => ({ uri: pathToFileURL(path).href, name: basename(path) }));
    await connection.sendRequest('initialize', {
      processId: stdio ? process.pid : null,
      rootUri: folders[0]?.uri ?? null,
      ...(folders.length ? { workspaceFolders: folders } : {}),
      capabilities,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** The server still serves (a stdio server's process has not exited). */
  get running(): boolean {
    return this.server.running();
  }

  /** What the server wrote to stderr (a stdio server only). */
  get stderr(): string {
    return this.server.stderr();
  }

  /** The server's process id (a stdio server only). */
  get pid(): number | undefined {
    return this.server.pid;
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  replace(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Sends a request as an editor would and returns the server's answer. */
  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** Tells the server the settings changed; with configuration support it pulls them again. */
  changeSettings(settings: unknown): Promise<void> {
    return this.connection.sendNotification('workspace/didChangeConfiguration', { settings: { memslot: settings } });
  }

  /** The first publication (counting from `since`) for `uri` that satisfies `predicate`. */
  async waitForDiagnostics(
    uri: string,
    predicate: (params: PublishDiagnosticsParams) => boolean,
    since = 0,
    timeoutMs = 10_000,
  ): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.published.slice(since).find((params) => params.uri === uri && predicate(params));
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !this.running) {
        throw new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(this.published.filter((p) => p.uri === uri))}; server stderr: ${this.server.stderr()}`);
      }
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, remaining);
        this.waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
  }

  /** The first output-channel line that satisfies `predicate`. */
  async waitForLog(predicate: (message: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find((entry) => predicate(entry.message));
      if (found) return found.message;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !this.running) throw new Error(`no matching log line within ${timeoutMs} ms; got ${JSON.stringify(this.logs)}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, remaining);
        this.waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      // `exit` ends the process it is sent to: only a server of its own gets it.
      if (this.stdio) await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      await this.server.stop();
    }
  }
}
