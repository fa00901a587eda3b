import type { QmpStep } from './qemu-runner';

/**
 * The HMP line that runs the same as a QMP plan step (`object_add TYPE,id=..`, `device_add
 * DRIVER,id=..`, `chardev-add socket,id=..,path=..`, `qom-set PATH PROPERTY VALUE`...), or
 * undefined for a step HMP cannot say in option syntax. The oracle sends each line through QMP's
 * `human-monitor-command`, which runs the monitor command exactly as typed at the HMP prompt.
 */
export function hmpLineFor(step: QmpStep): string | undefined {
  const args = step.arguments ?? {};
  switch (step.execute) {
    case 'object-add': return optionsLine('object_add', args, 'qom-type');
    case 'device_add': return optionsLine('device_add', args, 'driver');
    case 'netdev_add': return optionsLine('netdev_add', args, 'type');
    case 'chardev-add': return chardevLine(args);
    case 'object-del': return idLine('object_del', args);
    case 'device_del': return idLine('device_del', args);
    case 'netdev_del': return idLine('netdev_del', args);
    case 'qom-set': {
      const { path, property, value } = args;
      return typeof path === 'string' && typeof property === 'string' && scalar(value) !== undefined
        ? `qom-set ${path} ${property} ${scalar(value)}` : undefined;
    }
    default: return undefined;
  }
}

/** A QMP value as QemuOpts writes it; undefined where it has no option spelling (objects, commas). */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && !value.includes(',') && !/\s/.test(value)) return value;
  return undefined;
}

function optionsLine(command: string, args: Record<string, unknown>, typeKey: string): string | undefined {
  const type = scalar(args[typeKey]);
  if (type === undefined) return undefined;
  const options = [type];
  for (const [key, value] of Object.entries(args)) {
    if (key === typeKey) continue;
    const written = scalar(value);
    if (written === undefined) return undefined;
    options.push(`${key}=${written}`);
  }
  return `${command} ${options.join(',')}`;
}

function idLine(command: string, args: Record<string, unknown>): string | undefined {
  const id = scalar(args.id);
  return id === undefined ? undefined : `${command} ${id}`;
}

/** QMP's chardev-add backend, as far as a socket goes. */
interface SocketBackend {
  type?: unknown;
  data?: { addr?: { type?: unknown; data?: { path?: unknown } }; server?: unknown };
}

/** Only a client socket on a unix path, as the QMP plans use. */
function chardevLine(args: Record<string, unknown>): string | undefined {
  const backend = args.backend as SocketBackend | undefined;
  const path = backend?.data?.addr?.data?.path;
  const id = scalar(args.id);
  if (backend?.type !== 'socket' || backend.data?.addr?.type !== 'unix' || backend.data.server !== false || id === undefined) return undefined;
  const written = scalar(path);
  return written === undefined ? undefined : `chardev-add socket,id=${id},path=${written}`;
}

/**
 * QEMU's answer to an HMP command: nothing on success; on failure `Error: MESSAGE` (and hint lines)
 * in what the command printed, or, for the commands that parse their argument as QemuOpts "noisily"
 * (netdev_add), the message alone on stderr. Warnings on stderr are not answers.
 */
export function hmpError(printed: unknown, stderr = ''): string | null {
  const inOutput = typeof printed === 'string' ? /^Error: (.*)$/m.exec(printed) : null;
  if (inOutput) return inOutput[1]!.trimEnd();
  const lines = stderr.split('\n').map((line) => line.replace(/^[\w./-]*qemu-system-\w+: /, '').trimEnd()).filter((line) => line !== '');
  return lines.find((line) => !line.startsWith('warning: ')) ?? null;
}
