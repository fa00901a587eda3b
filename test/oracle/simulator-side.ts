import { parseQemuDocument, type ConfigFileReader } from '../../server/src/frontends/qemu';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions, simulate, type HotplugEvent } from '../../server/src/simulator';
import { splitCommandLine } from './command-line';

/**
 * The simulator half of the oracle: the same command line through our QEMU front end and
 * simulator, reduced to what real QEMU lets us observe.
 */
export interface SimulatorView {
  outcome: 'starts' | 'refused';
  refusedBy: string | null;
  error: string | null;
  hint: string | null;
  /** virtio-mem memslots and mapped memslots, by device id. */
  virtioMem: Record<string, { memslots: number; mapped: number }>;
  /** KVM slots in use per KVM address space. */
  kvmSlots: Record<number, number>;
  /** Per hot-plug step: QEMU's error, or null when the step succeeds; 'hang' when QEMU never answers. */
  hotplug: Array<string | null | 'hang'>;
  /** Front-end diagnostics and profile errors, to explain a disagreement. */
  diagnostics: string[];
}

export interface HostProfileArgs {
  /** CLI-style profile options, e.g. ['--kvm-memslots', '32764', '--vhost-user', '/tmp/x/vu.sock=32']. */
  args: string[];
}

/** Runs one shell command line through the front end and the simulator with a CLI-style profile. */
export function simulateCommandLine(
  text: string, profile: HostProfileArgs, hotplugSteps: string[] = [], readConfig?: ConfigFileReader): SimulatorView {
  const parsedProfile = parseProfileOptions(profile.args);
  if (parsedProfile.errors.length || parsedProfile.rest.length) {
    throw new Error(`bad profile options ${JSON.stringify(profile.args)}: ${parsedProfile.errors.join('; ')} ${parsedProfile.rest.join(' ')}`);
  }
  const hostProfile = applyProfileOptions(defaultHostProfile(), parsedProfile.overrides, 'cli');
  const frontend = parseQemuDocument(text, 'shell', readConfig === undefined ? { rootPrompts: false } : { rootPrompts: false, readConfig });
  if (frontend.machines.length !== 1) {
    throw new Error(`front end found ${frontend.machines.length} invocations in: ${text}`);
  }
  const model = frontend.machines[0]!;
  const hotplug = hotplugSteps.map(hotplugEvent);
  const simulation = simulate(model, hostProfile, hotplug);
  const hotplugResults: SimulatorView['hotplug'] = hotplugSteps.map(() => null);
  for (const event of simulation.events) {
    if (event.phase !== 'hotplug' || event.ref?.collection !== 'hotplug') continue;
    if (event.result === 'hang') hotplugResults[event.ref.index] = 'hang';
    else if (event.error !== null) hotplugResults[event.ref.index] = event.error;
  }
  const virtioMem: SimulatorView['virtioMem'] = {};
  for (const device of simulation.memoryDevices) {
    if (device.kind === 'virtio-mem' && device.status === 'plugged') {
      virtioMem[device.id] = { memslots: device.memslots, mapped: device.mapped };
    }
  }
  const kvmSlots: Record<number, number> = {};
  for (const consumer of simulation.consumers) {
    if (consumer.kind === 'kvm') kvmSlots[consumer.addressSpace ?? 0] = consumer.used;
  }
  return {
    outcome: simulation.outcome,
    refusedBy: simulation.refusedBy,
    error: simulation.error,
    hint: simulation.refusal?.hint ?? null,
    virtioMem,
    kvmSlots,
    hotplug: hotplugResults,
    diagnostics: [...frontend.diagnostics, ...model.diagnostics].map((d) => `${d.code} ${d.message}`),
  };
}

/** Reads a hot-plug step (see hotplug.ts) with our own front end. */
function hotplugEvent(step: string): HotplugEvent {
  const [flag, value] = splitCommandLine(step);
  if (flag === 'device_del' && value) return { kind: 'device_del', id: value };
  const model = parseQemuDocument(`qemu-system-x86_64 ${step}`, 'shell').machines[0];
  const fail = (): never => { throw new Error(`front end did not read hot-plug step: ${step}`); };
  if (!model) return fail();
  switch (flag) {
    case '-object': return { kind: 'object_add', backend: model.backends.find((b) => !b.implicit) ?? fail() };
    case '-device': return { kind: 'device_add', device: model.devices[0] ?? fail() };
    case '-netdev': return { kind: 'netdev_add', netdev: model.netdevs[0] ?? fail() };
    case '-chardev': return { kind: 'chardev-add', chardev: model.chardevs[0] ?? fail() };
    default: return fail();
  }
}
