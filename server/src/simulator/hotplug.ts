import type { Chardev, Device } from '../model/machine';
import { messages } from './messages';
import { openEvent, refuse, settleUsage } from './events';
import { onRootBus, setRequestedSize, unplugMemoryDevice } from './memory-devices';
import type { SimState } from './state';
import type { HotplugEvent, ModelRef, SimulationEvent } from './types';
import { initVhost } from './vhost';

/**
 * The caller's hot-plug plan, step by step, answered as QEMU answers each QMP command right away
 * (checked against QEMU 10.0.2 paused, test/oracle/hotplug-plans.test.ts): ids must be new
 * (objects, devices, netdevs and chardevs each have their own namespace), `device_del` is a
 * request that leaves the device in place until the guest ejects it (not assumed), `netdev_del`
 * and `object-del` act at once. After a step that hangs QEMU, no later step runs.
 */

export type AddDevice = (state: SimState, device: Device, ref: ModelRef) => SimulationEvent | null;

/** The ids alive in QEMU's namespaces while the plan runs. */
class LiveIds {
  readonly objects = new Set<string>();
  /** Device id → driver. */
  readonly devices = new Map<string, string>();
  readonly netdevs = new Set<string>();
  /** PCI devices whose unplug is pending (a second request is refused). */
  readonly unplugPending = new Set<string>();

  constructor(state: SimState) {
    const { model } = state.ctx;
    for (const backend of model.backends) if (backend.id) this.objects.add(backend.id.value);
    for (const device of model.devices) if (device.id) this.devices.set(device.id.value, device.driver.value);
    for (const netdev of model.netdevs) if (netdev.id) this.netdevs.add(netdev.id.value);
  }
}


export function runHotplug(state: SimState, hotplug: HotplugEvent[], addDevice: AddDevice): void {
  const live = new LiveIds(state);
  for (const [index, step] of hotplug.entries()) {
    const event = runStep(state, step, index, live, addDevice);
    settleUsage(state);
    if (event?.result === 'hang') break;
  }
}

/**
 * QEMU's words for a chardev id already taken: QMP checks the id first; HMP opens the socket first,
 * whose yank instance (registered by every socket chardev) collides. Other HMP pairs are not
 * observed and keep QMP's words.
 */
function duplicateChardevMessage(monitor: 'hmp' | undefined, added: Chardev, existing: Chardev, id: string): string {
  const sockets = added.backend.value === 'socket' && existing.backend.value === 'socket';
  return monitor === 'hmp' && sockets ? messages.duplicateYankInstance : messages.duplicateChardev(id);
}

function runStep(state: SimState, step: HotplugEvent, index: number, live: LiveIds, addDevice: AddDevice): SimulationEvent | null {
  const ref = (id: string | undefined | null): ModelRef => ({ collection: 'hotplug', index, order: -1, id: id ?? null });
  switch (step.kind) {
    case 'object_add': {
      const id = step.backend.id?.value;
      const event = openEvent(state, 'hotplug', 'object-add', id ?? null, ref(id));
      if (id === undefined) return event;
      if (live.objects.has(id)) return refuse(event, 'duplicate-id', messages.duplicateObject(id));
      live.objects.add(id);
      state.backends.set(id, step.backend);
      return event;
    }
    case 'object-del': {
      const event = openEvent(state, 'hotplug', 'object-del', step.id, ref(step.id));
      if (!live.objects.has(step.id)) return refuse(event, 'object-not-found', messages.objectNotFound(step.id));
      if (state.busyBackends.has(step.id)) return refuse(event, 'object-in-use', messages.objectInUse(step.id));
      live.objects.delete(step.id);
      state.backends.delete(step.id);
      return event;
    }
    case 'chardev-add': {
      const id = step.chardev.id?.value;
      const event = openEvent(state, 'hotplug', 'chardev-add', id ?? null, ref(id));
      if (id === undefined) return event;
      const existing = state.chardevs.get(id);
      if (existing) return refuse(event, 'duplicate-id', duplicateChardevMessage(step.monitor, step.chardev, existing, id));
      state.chardevs.set(id, step.chardev);
      return event;
    }
    case 'netdev_add': {
      const netdev = step.netdev;
      const id = netdev.id?.value;
      const label = id ?? `${netdev.type.value}#hotplug${index}`;
      if (id !== undefined && live.netdevs.has(id)) {
        const message = step.monitor === 'hmp' ? messages.duplicateNetdevHmp(id) : messages.duplicateNetdev(id);
        return refuse(openEvent(state, 'hotplug', 'vhost-init', label, ref(id)), 'duplicate-id', message);
      }
      const event = netdev.vhost
        ? initVhost(state, { id: label, ref: ref(id), kind: netdev.vhost, chardev: netdev.chardev?.value, netdev: true }, 'hotplug')
        : openEvent(state, 'hotplug', 'device-add', label, ref(id));
      if (event.result === 'ok' && id !== undefined) live.netdevs.add(id);
      return event;
    }
    case 'device_add': return deviceAdd(state, step.device, ref(step.device.id?.value), live, addDevice);
    case 'device_del': return deviceDel(state, step.id, ref(step.id), live);
    case 'netdev_del': {
      const event = openEvent(state, 'hotplug', 'vhost-remove', step.id, ref(step.id));
      if (!live.netdevs.has(step.id)) return refuse(event, 'device-not-found', messages.deviceNotFound(step.id));
      live.netdevs.delete(step.id);
      const vhost = state.vhosts.find((v) => v.active && v.id === step.id && v.ref.collection !== 'devices');
      if (vhost) state.removeVhost(vhost);
      return event;
    }
    case 'qom-set': return qomSet(state, step, ref(step.id), live);
    case 'not-modelled': {
      const event = openEvent(state, 'hotplug', 'not-modelled', null, ref(null));
      event.result = 'skipped';
      return event;
    }
  }
}

function deviceAdd(state: SimState, device: Device, ref: ModelRef, live: LiveIds, addDevice: AddDevice): SimulationEvent | null {
  const id = device.id?.value;
  const label = id ?? device.driver.value;
  // qdev_device_add: the bus must take hot-plugged devices, then the id must be new, then the properties resolve.
  if (state.ctx.machineType.family === 'q35' && device.driver.value.endsWith('-pci') && onRootBus(device)) {
    return refuse(openEvent(state, 'hotplug', 'device-add', label, ref), 'bus-not-hotpluggable', messages.busNotHotpluggable('pcie.0'));
  }
  if (id !== undefined && live.devices.has(id)) return refuse(openEvent(state, 'hotplug', 'device-add', label, ref), 'duplicate-id', messages.duplicateDevice(id));
  if (device.kind === 'memory-device' && device.memdev && !state.backends.has(device.memdev.value)) {
    return refuse(openEvent(state, 'hotplug', 'memory-device-plug', label, ref), 'memdev-not-found', messages.deviceNotFound(device.memdev.value));
  }
  const event = addDevice(state, device, ref);
  if (event?.result !== 'refused' && id !== undefined) live.devices.set(id, device.driver.value);
  return event;
}

function deviceDel(state: SimState, id: string, ref: ModelRef, live: LiveIds): SimulationEvent {
  const driver = live.devices.get(id);
  if (driver === undefined) return refuse(openEvent(state, 'hotplug', 'device-del', id, ref), 'device-not-found', messages.deviceNotFound(id));
  const memory = state.memoryDevices.find((d) => d.id === id && d.status === 'plugged');
  // A PCI device's unplug stays pending until the guest acts: a second request is refused.
  const pci = driver.endsWith('-pci');
  if (pci && live.unplugPending.has(id)) return refuse(openEvent(state, 'hotplug', 'device-del', id, ref), 'unplug-pending', messages.unplugPending(id));
  const event = memory ? unplugMemoryDevice(state, memory, ref) : openEvent(state, 'hotplug', 'device-del', id, ref);
  if (event.result === 'ok' && pci) live.unplugPending.add(id);
  return event;
}

function qomSet(state: SimState, step: Extract<HotplugEvent, { kind: 'qom-set' }>, ref: ModelRef, live: LiveIds): SimulationEvent {
  const event = (): SimulationEvent => openEvent(state, 'hotplug', 'requested-size', step.id, ref);
  const type = live.devices.get(step.id);
  if (type === undefined) return refuse(event(), 'device-not-found', messages.deviceNotFound(step.path ?? step.id));
  const memory = state.memoryDevices.find((d) => d.id === step.id && d.status === 'plugged');
  if (step.property !== 'requested-size' || memory?.kind !== 'virtio-mem') {
    if (step.property === 'size' && memory) return refuse(event(), 'property-not-writable', messages.propertyNotWritable(type, step.property));
    return refuse(event(), 'unknown-property', messages.propertyNotFound(type, step.property));
  }
  if (typeof step.value !== 'number') return refuse(event(), 'invalid-value', messages.expectsUint64(step.property));
  return setRequestedSize(state, memory, step.value, ref);
}
