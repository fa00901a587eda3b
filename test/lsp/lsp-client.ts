import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

/**
 * A real LSP client over the stdio of `node dist/server.js --stdio`: the same bytes an editor
 * sends. Collects every publishDiagnostics so tests wait for a condition instead of sleeping.
 */
export interface StartOptions {
  /** Answers `workspace/configuration` for section 'memslot'; when given, the client declares configuration support. */
  settings?: () => unknown;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
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
  private stderr = '';

  private constructor(readonly process: ChildProcess, readonly connection: ProtocolConnection) {}

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const server = spawn(process.execPath, [resolve('dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    if (!server.stdout || !server.stdin) throw new Error('server has no stdio');
    const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    const client = new LspTestClient(server, connection);
    server.stderr?.on('data', (chunk: Buffer) => { client.stderr += chunk.toString(); });
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
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities });
    await connection.sendNotification('initialized', {});
    return client;
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
      if (remaining <= 0 || this.process.exitCode !== null) {
        throw new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(this.published.filter((p) => p.uri === uri))}; server stderr: ${this.stderr}`);
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
      if (remaining <= 0 || this.process.exitCode !== null) throw new Error(`no matching log line within ${timeoutMs} ms; got ${JSON.stringify(this.logs)}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, remaining);
        this.waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      if (this.process.exitCode === null) {
        await new Promise<void>((done) => {
          const timer = setTimeout(() => { this.process.kill(); done(); }, 5_000);
          this.process.once('exit', () => { clearTimeout(timer); done(); });
        });
      }
    }
  }
}
