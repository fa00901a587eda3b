import { codes } from '../model/codes';
import type { Fix, RelatedInformation } from '../model/findings';
import type { Device, MachineModel, MemoryDevice } from '../model/machine';
import { resolveRef } from '../model/references';
import { messages, SAFE_MAX_MEMSLOTS, simulate, type MemoryDeviceResult, type Simulation } from '../simulator';
import { decisionOf, describeItem, itemOfRef, memoryDeviceOf, nameOf, refusalEvent, userId, withDevices } from './lookup';
import { declareVhostUserLimitFix, vhostUserPattern } from './shared-fixes';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS001 — a vhost back-end with fewer than 509 memslots is initialised after a memory device
 * (virtio-mem with dynamic-memslots=on, hv-balloon) decided to use more than one memslot.
 * QEMU's vhost_dev_init() refuses it (hw/virtio/vhost.c, docs/facts/memslots.md#vhost-check-a).
 *
 * Fixes: on a command line, move the refused -device (and its -chardev, if that comes later) before
 * the first deciding device, so the decision sees the back-end and picks one memslot; in domain
 * XML, where libvirt fixes the order, set dynamicMemslots='no' on the deciding devices; always,
 * declare the back-end's limit if it really has 509 slots.
 */
export const vhostRefusedAfterMemslotDecision: Rule = {
  ...codes.MS001,
  check(context) {
    const { simulation, model } = context;
    if (simulation.reason !== 'auto-decision-refuses-vhost') return [];
    const event = refusalEvent(simulation);
    const refused = itemOfRef(model, simulation.refusal?.ref);
    const deciders = simulation.memoryDevices.filter((d) => d.autoDecided && d.status === 'plugged');
    const limitDecision = decisionOf(event, 'vhost-limit');
    const limit = typeof limitDecision?.result === 'number' ? limitDecision.result : null;
    const limitWhy = limitDecision?.explanation ?? 'the back-end limit comes from the host profile';
    const related: RelatedInformation[] = deciders.map((d) => ({
      message: `${d.id} decided ${d.memslots} memslots here, before ${nameOf(refused)} was initialised`,
      range: itemOfRef(model, d.ref)?.range ?? model.headRange,
    }));
    const jsonLate = realisedLateAsJson(model, refused, deciders);
    if (jsonLate && refused) {
      related.push({ message: `${nameOf(refused)} is written first, but as JSON: QEMU realises every QemuOpts -device before the JSON ones`, range: refused.range });
    }
    // One sentence: who is refused, its back-end's limit, and who decided first. Why the limit is
    // what it is and QEMU's words are in the hover and the rule page.
    const decided = deciders.length ? `${deciders.map((d) => d.id).join(', ')} already decided ${deciders.map((d) => d.memslots).join(', ')}` : 'a memory device already decided its memslots';
    const message = `QEMU refuses ${nameOf(refused)}: its back-end allows ${limit ?? 'fewer than 509'} memslots, and ${decided}${jsonLate ? ' (JSON -devices come last)' : ''} (needs ${SAFE_MAX_MEMSLOTS})`;
    const subjects = [userId(refused), ...deciders.map((d) => d.id)].filter((s): s is string => s !== undefined);
    return [finding(this, {
      message,
      range: refused?.range ?? model.headRange,
      related,
      subjects,
      data: { limit, limitWhy, deciders: deciders.map((d) => d.id) },
      qemu: `${messages.autoDecisionRefusesVhost}\n${messages.autoDecisionRefusesVhostHint}`,
      fixes: fixesFor(context, refused, deciders),
    })];
  },
};

/**
 * The refused device is a JSON -device written before a QemuOpts decider: QEMU realises QemuOpts
 * -devices first (qemu_create_cli_devices), so the text order is not QEMU's order.
 */
function realisedLateAsJson(model: MachineModel, refused: ReturnType<typeof itemOfRef>, deciders: MemoryDeviceResult[]): boolean {
  if (!refused || refused.kind !== 'vhost-device' || refused.syntax !== 'json') return false;
  return deciders.some((d) => {
    const device = memoryDeviceOf(model, d.ref);
    return device !== undefined && device.syntax === 'qemuopts' && device.order > refused.order;
  });
}

/** Rewrites the refused JSON -device in QemuOpts form: written before the decider, it is then realised before it too. */
function qemuOptsFormFix(context: RuleContext, refused: Device, deciders: MemoryDeviceResult[]): Fix | null {
  const { model, editor } = context;
  if (!realisedLateAsJson(model, refused, deciders)) return null;
  const edit = editor.rewriteInQemuOptsForm(refused);
  if (edit === null) return null;
  const rewritten = { ...refused, syntax: 'qemuopts' as const };
  const after = simulate(withDevices(model, model.devices.map((d) => (d === refused ? rewritten : d))), context.profile);
  if (stillRefusedHere(after)) return null;
  return {
    title: `Write ${describeItem(refused)} in QemuOpts form, so QEMU realises it before ${describeItem(memoryDeviceOf(model, deciders[0].ref))}`,
    edits: [edit],
    isPreferred: after.outcome === 'starts',
    fixAll: after.outcome === 'starts',
  };
}

function fixesFor(context: RuleContext, refused: ReturnType<typeof itemOfRef>, deciders: MemoryDeviceResult[]): Fix[] {
  const fixes: Fix[] = [];
  const optsFix = refused && refused.kind === 'vhost-device' ? qemuOptsFormFix(context, refused, deciders) : null;
  if (optsFix) fixes.push(optsFix);
  if (refused && refused.kind !== 'memory-backend' && refused.kind !== 'netdev') {
    // Where the front end, not the text, orders the devices, the deciders must decide differently instead.
    const fix = context.editor.vocabulary.fixedOrder === undefined
      ? moveBeforeDeciderFix(context, refused, deciders)
      : dynamicMemslotsOffFix(context, deciders);
    if (fix) fixes.push(fix);
  }
  const chardevId = refused && (refused.kind === 'vhost-device' || refused.kind === 'netdev') ? refused.chardev?.value : undefined;
  const pattern = vhostUserPattern(context.model, chardevId);
  if (pattern !== undefined) {
    fixes.push(declareVhostUserLimitFix(
      context, pattern, SAFE_MAX_MEMSLOTS,
      `Declare that the back-end at ${pattern} supports ${SAFE_MAX_MEMSLOTS} memslots (only if it does, e.g. libvirt's or QEMU 9.0+ libvhost-user, current virtiofsd)`,
    ));
  }
  return fixes;
}

/** Is the simulation of the changed model free of this refusal? */
function stillRefusedHere(simulation: Simulation): boolean {
  return simulation.reason === 'auto-decision-refuses-vhost';
}

function moveBeforeDeciderFix(context: RuleContext, refused: Device, deciders: MemoryDeviceResult[]): Fix | null {
  const { model, editor } = context;
  if (refused.kind !== 'vhost-device') return null;
  const refusedIndex = model.devices.indexOf(refused);
  // QEMU realises QemuOpts -devices before JSON ones: moving helps unless the refused device is
  // JSON and a decider is not.
  const candidates = deciders
    .map((d) => ({ result: d, device: memoryDeviceOf(model, d.ref) }))
    .filter((d): d is { result: MemoryDeviceResult; device: MemoryDevice } => d.device !== undefined)
    .filter((d) => refused.syntax === 'qemuopts' || d.device.syntax === 'json');
  if (candidates.length === 0 || refusedIndex < 0) return null;
  const first = candidates.reduce((a, b) => (a.device.order <= b.device.order ? a : b)).device;
  const firstIndex = model.devices.indexOf(first);
  if (first.order > refused.order) return null;
  const reordered = model.devices.filter((d) => d !== refused);
  reordered.splice(reordered.indexOf(first), 0, refused);
  const after = simulate(withDevices(model, reordered), context.profile);
  if (stillRefusedHere(after) || firstIndex < 0) return null;
  const chardev = resolveRef(model.chardevs, refused.chardev);
  const moved = chardev && chardev.order > first.order && chardev.order < refused.order ? [chardev, refused] : [refused];
  const edits = editor.moveBefore(moved, first);
  if (!edits) return null;
  const what = moved.length === 2 ? `${nameOf(refused)} and its -chardev` : nameOf(refused);
  // Say what the move does to the decision: with the small back-end first, QEMU decides one memslot.
  const single = after.memoryDevices.filter((d) => deciders.some((decider) => decider.id === d.id) && d.memslots === 1).map((d) => d.id);
  const effect = single.length ? `: ${single.join(', ')} then ${single.length === 1 ? 'uses' : 'use'} one memslot` : ', so the decision sees the back-end\'s limit';
  return {
    title: `Move ${what} before ${nameOf(first)}${effect}`,
    edits,
    isPreferred: after.outcome === 'starts',
    fixAll: after.outcome === 'starts',
  };
}

function dynamicMemslotsOffFix(context: RuleContext, deciders: MemoryDeviceResult[]): Fix | null {
  const { model, editor } = context;
  const devices = deciders.map((d) => memoryDeviceOf(model, d.ref)).filter((d): d is MemoryDevice => d?.memoryKind === 'virtio-mem');
  if (devices.length === 0 || devices.length !== deciders.length) return null;
  const edits = devices.map((device) => editor.setProperty(device, 'dynamic-memslots', false));
  if (edits.some((e) => e === null)) return null;
  const changed: MachineModel = withDevices(model, model.devices.map((d) =>
    devices.includes(d as MemoryDevice) ? { ...(d as MemoryDevice), dynamicMemslots: { value: false, range: d.range, origin: 'written' } } : d));
  const after = simulate(changed, context.profile);
  if (stillRefusedHere(after)) return null;
  const names = devices.map((d) => `'${userId(d) ?? d.driver.value}'`).join(', ');
  return {
    title: `Set ${editor.vocabulary.assignment('dynamic-memslots', false)} on ${names} (${editor.vocabulary.fixedOrder ?? 'the order is fixed'}, so reordering cannot help)`,
    edits: edits.filter((e) => e !== null),
    isPreferred: after.outcome === 'starts',
    fixAll: after.outcome === 'starts',
  };
}
