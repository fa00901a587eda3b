import { codes } from '../model/codes';
import type { Fix, TextEdit } from '../model/findings';
import type { MachineModel, MemoryBackend, ModelItem } from '../model/machine';
import { resolveRef } from '../model/references';
import { MiB } from '../model/sizes';
import { atLeast } from '../simulator';
import { backendHasFd, backendIsRom } from '../simulator/layout';
import type { DocumentText } from '../model/document-text';
import { setOptionProperty } from './edits';
import { describeItem, userId } from './lookup';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS004 — a vhost-user device next to guest memory that is not fd-backed and shared. A vhost-user
 * back-end is a separate process: it can only map guest RAM that has a file descriptor
 * (memfd, file, shm; memory-backend-ram only with share=on from QEMU 10.0), and only sees the
 * guest's writes when the mapping is shared (hw/virtio/vhost.c vhost_section(),
 * hw/virtio/vhost-user.c, spec §3.2). libvirt checks this for disks and virtiofs only
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
  const { model, document } = context;
  if (model.frontend === 'libvirt') {
    const edit = libvirtSharedAccess(document, model);
    return edit ? [{ title: "Share guest memory: <memoryBacking><access mode='shared'/>", edits: [edit], isPreferred: true, fixAll: true }] : [];
  }
  if (backend && !backend.implicit) {
    const edits: TextEdit[] = [];
    if (!hasFd && backend.type.value === 'memory-backend-ram' && backend.syntax === 'qemuopts' && backend.type.origin === 'written' && !atLeast(context.profile.qemuVersion.value, 10, 0)) {
      edits.push({ range: backend.type.range, newText: 'memory-backend-memfd' });
    }
    const share = setOptionProperty(document, backend, 'share', true);
    if (share) edits.push(share);
    return edits.length > 0 ? [{ title: `Use shared, fd-backed memory for '${userId(backend) ?? backend.type.value}' (${edits.length > 1 ? 'memory-backend-memfd, ' : ''}share=on)`, edits, isPreferred: true, fixAll: true }] : [];
  }
  // Implicit boot RAM: give it an explicit shared memfd backend right after -m.
  const memoryRange = model.memory.ranges[0];
  const size = model.memory.size?.value;
  if (!memoryRange || size === undefined || model.numaNodes.length > 0 || model.machine.memoryBackend) return [];
  const sizeText = size % MiB === 0 ? `${size / MiB}M` : String(size);
  return [{
    title: 'Back the boot RAM with a shared memfd backend (-object memory-backend-memfd,share=on + -machine memory-backend=)',
    edits: [{ range: { start: memoryRange.end, end: memoryRange.end }, newText: ` -object memory-backend-memfd,id=guest-ram,size=${sizeText},share=on -machine memory-backend=guest-ram` }],
    isPreferred: true,
    fixAll: true,
  }];
}

/**
 * Offsets of the value of `<access mode=...>` inside the first <memoryBacking>, found by searching
 * forward for each piece once (one regex over the whole span backtracked quadratically on text
 * with many `<access` and no `mode`).
 */
function accessModeIn(text: string): { start: number; end: number } | undefined {
  const backing = /<memoryBacking\b[^>]*>/.exec(text);
  if (!backing) return undefined;
  const from = backing.index + backing[0].length;
  const close = text.indexOf('</memoryBacking', from);
  const access = text.indexOf('<access', from);
  if (access < 0 || (close >= 0 && access > close)) return undefined;
  const tagEnd = text.indexOf('>', access);
  const tag = text.slice(access, tagEnd < 0 ? text.length : tagEnd);
  const mode = /\bmode=(['"])([^'"]*)\1/.exec(tag);
  if (!mode) return undefined;
  const valueStart = access + mode.index + mode[0].length - 1 - mode[2].length;
  return { start: valueStart, end: valueStart + mode[2].length };
}

/** `<access mode='shared'/>` in <memoryBacking>: replaces a private mode, adds the element, or adds <memoryBacking>. */
function libvirtSharedAccess(document: DocumentText, model: MachineModel): TextEdit | null {
  const start = document.offsetAt(model.range.start);
  const domainText = document.slice(model.range);
  const mode = accessModeIn(domainText);
  if (mode) return { range: document.rangeOf(start + mode.start, start + mode.end), newText: 'shared' };
  const backing = /<memoryBacking\b[^>]*?(\/?)>/.exec(domainText);
  if (backing) {
    const end = start + backing.index + backing[0].length;
    if (backing[1] === '/') return { range: document.rangeOf(start + backing.index, end), newText: "<memoryBacking><access mode='shared'/></memoryBacking>" };
    return { range: document.rangeOf(end, end), newText: "<access mode='shared'/>" };
  }
  const memory = /<memory\b[^>]*>[^<]*<\/memory>/.exec(domainText) ?? /<currentMemory\b[^>]*>[^<]*<\/currentMemory>/.exec(domainText);
  if (!memory) return null;
  const end = start + memory.index + memory[0].length;
  const lineStart = domainText.lastIndexOf('\n', memory.index) + 1;
  const indent = /^[ \t]*/.exec(domainText.slice(lineStart))?.[0] ?? '';
  return { range: document.rangeOf(end, end), newText: `\n${indent}<memoryBacking><access mode='shared'/></memoryBacking>` };
}
