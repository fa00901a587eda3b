import { splitCommandLine } from './command-line';
import type { QmpStep } from './qemu-runner';

/**
 * Hot-plug steps are written as the command-line option that would create the same thing
 * (`-object {json}`, `-device {json}`, `-netdev {json}`, `-chardev socket,id=..,path=..`) or as
 * `device_del ID`, so the simulator side can read them with our own front end while QEMU gets
 * the equivalent QMP command. JSON keeps the values typed, as QMP's object-add requires.
 */
export function qmpStepFor(step: string): QmpStep {
  const [flag, value, ...extra] = splitCommandLine(step);
  if (flag === undefined || value === undefined || extra.length > 0) throw new Error(`bad hot-plug step: ${step}`);
  switch (flag) {
    case '-object': return { execute: 'object-add', arguments: parseObject(value, step) };
    case '-device': return { execute: 'device_add', arguments: parseObject(value, step) };
    case '-netdev': return { execute: 'netdev_add', arguments: parseObject(value, step) };
    case 'device_del': return { execute: 'device_del', arguments: { id: value } };
    case '-chardev': {
      const props = Object.fromEntries(value.split(',').slice(1).map((kv) => kv.split('=') as [string, string]));
      if (!value.startsWith('socket,') || !props.id || !props.path) throw new Error(`only -chardev socket,id=..,path=.. can be hot-plugged here: ${step}`);
      return {
        execute: 'chardev-add',
        arguments: { id: props.id, backend: { type: 'socket', data: { addr: { type: 'unix', data: { path: props.path } }, server: false } } },
      };
    }
    default: throw new Error(`unsupported hot-plug step: ${step}`);
  }
}

function parseObject(value: string, step: string): Record<string, unknown> {
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new Error(`hot-plug steps take JSON option values: ${step}`);
  }
}
