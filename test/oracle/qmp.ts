import { connect, type Socket } from 'node:net';

/** A QMP reply: `return` on success, `error` on failure. */
export interface QmpReply {
  return?: unknown;
  error?: { class: string; desc: string };
}

/**
 * A minimal QMP client over a unix socket. One command at a time; asynchronous events are
 * dropped. Every wait is bounded; a closed connection fails the pending command at once, so a
 * QEMU that exits while we talk to it is noticed without waiting for a timeout.
 */
export class QmpClient {
  private buffer = '';
  /** Objects that arrived while nobody was waiting. */
  private readonly queue: Record<string, unknown>[] = [];
  private waiter: { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void } | undefined;
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.drain();
    });
    const fail = (error: Error) => {
      this.closedError ??= error;
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.reject(this.closedError);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('QMP connection closed')));
  }

  /** Connects and reads the greeting; rejects if either fails or takes longer than timeoutMs. */
  static async open(path: string, timeoutMs: number): Promise<{ client: QmpClient; greeting: Record<string, unknown> }> {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new QmpClient(socket);
    const greeting = await client.next(timeoutMs);
    if (!('QMP' in greeting)) throw new Error(`no QMP greeting: ${JSON.stringify(greeting)}`);
    return { client, greeting };
  }

  async execute(command: string, args: Record<string, unknown> | undefined, timeoutMs: number): Promise<QmpReply> {
    const message = args === undefined ? { execute: command } : { execute: command, arguments: args };
    this.socket.write(`${JSON.stringify(message)}\n`);
    for (;;) {
      const object = await this.next(timeoutMs);
      if ('event' in object) continue;
      return object as QmpReply;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (!line) continue;
      let object: Record<string, unknown>;
      try {
        object = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const waiter = this.waiter;
      if (waiter) {
        this.waiter = undefined;
        waiter.resolve(object);
      } else {
        this.queue.push(object);
      }
    }
  }

  private next(timeoutMs: number): Promise<Record<string, unknown>> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`QMP: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (value) => { clearTimeout(timer); resolve(value); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      };
    });
  }
}
