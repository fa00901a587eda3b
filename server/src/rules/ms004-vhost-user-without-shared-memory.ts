import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import type { MachineModel, MemoryBackend, ModelItem } from '../model/machine';
import { resolveRef } from '../model/references';
import { atLeast } from '../simulator';
import { backendHasFd, backendIsRom } from '../simulator/layout';
import { describeItem, userId } from './lookup';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS004 — a vhost-user device next to guest memory that is not fd-backed and shared. A vhost-user
 * back-end is a separate process: it can only map guest RAM that has a file descriptor
 * (memfd, file, shm; memory-backend-ram only with share=on from QEMU 10.0), and only sees the
 * guest's writes when the mapping is shared (hw/virtio/vhost.c vhost_section(),
 * hw/virtio/vhost-user.c, docs/facts/vhost-user-backends.md#shared-memory). libvirt checks this for disks and virtiofs only
 * ("'%1$s' requires shared memory", src/qemu/qemu_validate.c) and merely warns for interfaces.
 */
const failedMemoryMap = 'Failed initializing vhost-user memory map, consider using -object memory-backend-file share=on';

export const vhostUserWithoutSharedMemory: Rule = {
  ...codes.MS004,
  check(context) {
    const { model, profile } = context;
    const users: ModelItem[] = [
      ...model.devices.filter((d) => d.kind === 'vhost-device' && d.backend === 'vhost-user'),
      ...model.netdevs.filter((n) => n.vhost === 'vhost-user'),
    ];
    if (users.length === 0) return [];
    const version = profile.qemuVersion.value;
    const userNames = users.map((u) => userId(u) ?? (u as { driver?: { value: string } }).driver?.value ?? 'vhost-user').join(', ');
    const related = users.map((u) => ({ message: `vhost-user device ${userId(u) ?? ''} maps guest memory through its back-end`.replace('  ', ' '), range: u.range }));
    const found = [];
    for (const piece of guestMemory(model)) {
      const backend = piece.backend;
      // Read-only memory (a Kata rootfs NVDIMM) is left out of vhost's memory table: nothing to share.
      if (backend && backendIsRom(backend)) continue;
      const hasFd = backend ? backendHasFd(backend, version) : model.memPath !== undefined;
      const shared = backend ? backend.share.value : false;
      if (hasFd && shared) continue;
      const what = backend ? (userId(backend) ?? backend.type.value) : 'boot RAM without a memory backend';
      const why = !hasFd
        ? backend?.type.value === 'memory-backend-ram' && backend.share.value && !atLeast(version, 10, 0)
          ? 'memory-backend-ram has no fd before QEMU 10.0'
          : 'it has no fd to map'
        : 'it is not share=on, so it would see a private copy';
      found.push(finding(this, {
        message: `The vhost-user back-end of ${userNames} cannot use ${what}${piece.short ? ` (${piece.short})` : ''}: ${why}`,
        qemu: `${failedMemoryMap}\nlibvirt: 'vhostuser' requires shared memory`,
        data: { role: piece.role },
        range: backend?.range ?? model.memory.ranges[0] ?? model.headRange,
        related,
        subjects: [backend ? userId(backend) : undefined, ...users.map((u) => userId(u))].filter((s): s is string => s !== undefined),
        fixes: shareFixes(context, backend, hasFd),
      }));
    }
    return found;
  },
};

interface MemoryPiece {
  backend: MemoryBackend | undefined;
  role: string;
  /** The role in a few words for the message: `node 0 RAM`, `boot RAM`, `vm0's memory`. */
  short: string;
}

/** Boot RAM (the -machine memory-backend, the NUMA memdevs, or the implicit backend) and every memory device's backend. */
function guestMemory(model: MachineModel): MemoryPiece[] {
  const pieces: MemoryPiece[] = [];
  const numa = model.numaNodes.filter((n) => n.memdev !== undefined);
  if (numa.length > 0) {
    for (const node of numa) {
      const backend = resolveRef(model.backends, node.memdev);
      if (backend) pieces.push({ backend, role: `(guest RAM of NUMA node ${node.nodeId?.value ?? '?'})`, short: `node ${node.nodeId?.value ?? '?'} RAM` });
    }
  } else if (model.machine.memoryBackend) {
    pieces.push({ backend: resolveRef(model.backends, model.machine.memoryBackend), role: '(boot RAM)', short: 'boot RAM' });
  } else {
    pieces.push({ backend: model.backends.find((b) => b.implicit), role: '', short: '' });
  }
  const listed = new Set(pieces.map((p) => p.backend));
  for (const device of model.devices) {
    if (device.kind !== 'memory-device' || !device.memdev) continue;
    const backend = resolveRef(model.backends, device.memdev);
    if (backend && !listed.has(backend)) {
      listed.add(backend);
      pieces.push({ backend, role: `(memory of ${describeItem(device)})`, short: `${userId(device) ?? device.driver.value}'s memory` });
    }
  }
  return pieces.filter((p) => p.backend === undefined || !p.backend.implicit || p.role === '');
}

function shareFixes(context: RuleContext, backend: MemoryBackend | undefined, hasFd: boolean): Fix[] {
  // Before QEMU 10.0 memory-backend-ram has no fd even with share=on: the backend needs another type.
  const needsFdType = !hasFd && backend?.type.value === 'memory-backend-ram' && !atLeast(context.profile.qemuVersion.value, 10, 0);
  const shared = context.editor.ensureSharedMemory(backend, { needsFdType });
  return shared ? [{ ...shared, isPreferred: true, fixAll: true }] : [];
}
