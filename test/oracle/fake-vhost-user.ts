import { createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';

/**
 * A vhost-user back-end that moves no data: it answers the control-plane handshake just far
 * enough for QEMU's vhost_dev_init() to reach its memslot checks (docs/facts/vhost-user-backends.md#backend-limits),
 * and reports a memslot limit of our choosing.
 *
 * - `maxMemSlots: N` advertises VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS and answers
 *   GET_MAX_MEM_SLOTS with N (QEMU caps it at 512 on x86).
 * - `maxMemSlots: 'no-configure-mem-slots'` leaves that feature out; QEMU then assumes 8
 *   (VHOST_MEMORY_BASELINE_NREGIONS), like DPDK's vhost library does.
 *
 * Node cannot receive SCM_RIGHTS file descriptors; the kernel closes the ones QEMU passes with
 * SET_MEM_TABLE/SET_VRING_* when we read without a control buffer, which is what we want.
 */
export interface FakeVhostUserOptions {
  socketPath: string;
  maxMemSlots: number | 'no-configure-mem-slots';
  /** Advertise VHOST_USER_PROTOCOL_F_CONFIG (vhost-user-blk insists on it; others make QEMU drop it). */
  config?: boolean;
}

export interface FakeVhostUser {
  readonly socketPath: string;
  /** Names of the requests received, per connection, in order. */
  readonly connections: string[][];
  close(): Promise<void>;
}

// Request numbers from QEMU's docs/interop/vhost-user.rst (front-end message types).
const REQUEST_NAMES: Record<number, string> = {
  1: 'GET_FEATURES', 2: 'SET_FEATURES', 3: 'SET_OWNER', 4: 'RESET_OWNER', 5: 'SET_MEM_TABLE',
  6: 'SET_LOG_BASE', 7: 'SET_LOG_FD', 8: 'SET_VRING_NUM', 9: 'SET_VRING_ADDR', 10: 'SET_VRING_BASE',
  11: 'GET_VRING_BASE', 12: 'SET_VRING_KICK', 13: 'SET_VRING_CALL', 14: 'SET_VRING_ERR',
  15: 'GET_PROTOCOL_FEATURES', 16: 'SET_PROTOCOL_FEATURES', 17: 'GET_QUEUE_NUM', 18: 'SET_VRING_ENABLE',
  19: 'SEND_RARP', 20: 'NET_SET_MTU', 21: 'SET_BACKEND_REQ_FD', 22: 'IOTLB_MSG', 23: 'SET_VRING_ENDIAN',
  24: 'GET_CONFIG', 25: 'SET_CONFIG', 31: 'GET_INFLIGHT_FD', 32: 'SET_INFLIGHT_FD', 34: 'RESET_DEVICE',
  36: 'GET_MAX_MEM_SLOTS', 37: 'ADD_MEM_REG', 38: 'REM_MEM_REG', 39: 'SET_STATUS', 40: 'GET_STATUS',
};

const GET_FEATURES = 1;
const GET_VRING_BASE = 11;
const GET_PROTOCOL_FEATURES = 15;
const GET_QUEUE_NUM = 17;
const GET_CONFIG = 24;
const GET_MAX_MEM_SLOTS = 36;
const GET_STATUS = 40;

const VIRTIO_F_VERSION_1 = 32n;
const VHOST_USER_F_PROTOCOL_FEATURES = 30n;
const PROTOCOL_F_CONFIG = 9n;
const PROTOCOL_F_CONFIGURE_MEM_SLOTS = 15n;

const FLAG_VERSION = 0x1;
const FLAG_REPLY = 0x4;
const FLAG_NEED_REPLY = 0x8;
const HEADER_SIZE = 12;

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
}

/** The payload of our answer to a request, or undefined when the request wants none. */
function answer(request: number, flags: number, payload: Buffer, options: FakeVhostUserOptions): Buffer | undefined {
  switch (request) {
    case GET_FEATURES:
      return u64((1n << VIRTIO_F_VERSION_1) | (1n << VHOST_USER_F_PROTOCOL_FEATURES));
    case GET_PROTOCOL_FEATURES: {
      let features = 0n;
      if (options.maxMemSlots !== 'no-configure-mem-slots') features |= 1n << PROTOCOL_F_CONFIGURE_MEM_SLOTS;
      if (options.config ?? false) features |= 1n << PROTOCOL_F_CONFIG;
      return u64(features);
    }
    case GET_QUEUE_NUM:
      return u64(1n);
    case GET_MAX_MEM_SLOTS:
      return u64(BigInt(options.maxMemSlots === 'no-configure-mem-slots' ? 8 : options.maxMemSlots));
    case GET_VRING_BASE: {
      const state = Buffer.alloc(8);
      state.writeUInt32LE(payload.length >= 4 ? payload.readUInt32LE(0) : 0, 0);
      return state;
    }
    case GET_CONFIG: {
      // Echo offset/size/flags and hand back an all-zero config space of the requested size.
      if (payload.length < 12) return payload;
      const size = payload.readUInt32LE(4);
      return Buffer.concat([payload.subarray(0, 12), Buffer.alloc(size)]);
    }
    case GET_STATUS:
      return u64(0n);
    default:
      return flags & FLAG_NEED_REPLY ? u64(0n) : undefined;
  }
}

function serve(socket: Socket, log: string[], options: FakeVhostUserOptions): void {
  let pending = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= HEADER_SIZE) {
      const request = pending.readUInt32LE(0);
      const flags = pending.readUInt32LE(4);
      const size = pending.readUInt32LE(8);
      if (pending.length < HEADER_SIZE + size) break;
      const payload = pending.subarray(HEADER_SIZE, HEADER_SIZE + size);
      pending = pending.subarray(HEADER_SIZE + size);
      log.push(REQUEST_NAMES[request] ?? `UNKNOWN_${request}`);
      const reply = answer(request, flags, payload, options);
      if (reply === undefined) continue;
      const header = Buffer.alloc(HEADER_SIZE);
      header.writeUInt32LE(request, 0);
      header.writeUInt32LE(FLAG_VERSION | FLAG_REPLY, 4);
      header.writeUInt32LE(reply.length, 8);
      socket.write(Buffer.concat([header, reply]));
    }
  });
}

/** Starts listening on `socketPath`; resolves once QEMU can connect. */
export async function startFakeVhostUser(options: FakeVhostUserOptions): Promise<FakeVhostUser> {
  rmSync(options.socketPath, { force: true });
  const connections: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const log: string[] = [];
    connections.push(log);
    serve(socket, log, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    socketPath: options.socketPath,
    connections,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => {
        rmSync(options.socketPath, { force: true });
        resolve();
      });
    }),
  };
}
