import type { Device } from '../model/machine';
import { comparePositions, rangeContains, type Position } from '../model/range';
import { messages } from './messages';
import { openEvent, refuse } from './events';
import { deviceHasProperty, innerDeviceType, objectHasProperty, objectTypeExists } from './properties';
import type { SimState } from './state';
import { atLeast } from './version';
import type { EventAction, EventPhase, ModelRef, RefusalReason, SimulationEvent } from './types';

/**
 * What QEMU refuses before it plugs anything, and the properties a device does not have.
 *
 * While QEMU reads its command line it stops at the first option it cannot read: a syntax error,
 * a value it refuses, an id used twice (the front end's MS901–MS904 errors), and each `-object`,
 * which QAPI parses there and then (an object type this QEMU lacks, a property its type lacks).
 * None of the machine is built after that, so the verdict is that refusal.
 */
const parseTimeCodes: ReadonlySet<string> = new Set(['MS901', 'MS902', 'MS903', 'MS904']);

export interface OptionRefusal {
  event: SimulationEvent;
  option: string;
}

interface Candidate {
  at: Position;
  reason: RefusalReason;
  error: string;
  option: string;
  id: string | null;
  ref: ModelRef | null;
}

/**
 * QEMU's first pass over its arguments looks every option up and stops at one it does not have
 * (`-no-acpi: invalid option`), before any other check: removed options from QEMU 10.0 on, options
 * unknown to QEMU 10.0 up to 10.0 (a later QEMU may have them) (docs/facts/command-line.md#invalid-options).
 */
function invalidOption(state: SimState): Candidate | null {
  const { model, version } = state.ctx;
  const refused = model.unmodelled.find((entry) =>
    entry.missingInQemu10 === 'removed' ? atLeast(version, 10, 0) : entry.missingInQemu10 === 'unknown' && !atLeast(version, 10, 1));
  if (!refused) return null;
  return { at: refused.range.start, reason: 'invalid-option', error: messages.invalidOption, option: refused.option, id: null, ref: null };
}

export function parseTimeRefusal(state: SimState): OptionRefusal | null {
  if (state.ctx.model.frontend !== 'qemu') return null;
  // An option QEMU does not have wins wherever it is written: nothing else is read before it.
  const found = invalidOption(state) ?? firstUnreadable(state);
  if (found === null) return null;
  const event = openEvent(state, 'machine', 'machine-init', found.id, found.ref);
  event.decisions.push({
    what: 'memory-options', inputs: { option: found.option || null }, result: false, passed: false,
    explanation: 'QEMU stops while reading its command line: nothing is plugged',
  });
  return { event: refuse(event, found.reason, found.error), option: found.option };
}

/** The first option, in the text, that QEMU cannot read. */
function firstUnreadable(state: SimState): Candidate | null {
  const { model, version } = state.ctx;
  let first: Candidate | null = null;
  const consider = (candidate: Candidate): void => {
    if (first === null || comparePositions(candidate.at, first.at) < 0) first = candidate;
  };
  for (const finding of model.diagnostics) {
    if (finding.severity === 'error' && parseTimeCodes.has(finding.code)) {
      const option = model.unmodelled.find((entry) => rangeContains(entry.range, finding.range.start));
      // QEMU names the option it stopped at; for -object/-device/-netdev/-chardev by its id.
      const id = option?.value !== undefined && /^-(object|device|netdev|chardev)$/.test(option.option) ? /(?:^|,)id=([^,]*)/.exec(option.value)?.[1] ?? null : null;
      consider({ at: finding.range.start, reason: 'invalid-option', error: finding.message, option: option?.option ?? '', id, ref: null });
    }
  }
  model.backends.forEach((backend, index) => {
    if (backend.implicit) return;
    const ref: ModelRef = { collection: 'backends', index, order: backend.order, id: backend.id?.value ?? null };
    const base = { option: '-object', id: backend.id?.value ?? backend.type.value, ref };
    if (!objectTypeExists(backend.type.value, version)) {
      consider({ ...base, at: backend.type.range.start, reason: 'unknown-object-type', error: messages.objectTypeUnknown(backend.type.value) });
      return;
    }
    const unknown = backend.properties.find((property) => objectHasProperty(backend.type.value, property.key, version) === false);
    if (unknown === undefined) return;
    const error = backend.syntax === 'json' ? messages.objectUnexpectedParameter(unknown.key) : messages.objectInvalidParameter(unknown.key);
    consider({ ...base, at: unknown.keyRange.start, reason: 'unknown-property', error });
  });
  return first as Candidate | null;
}

/**
 * qdev_device_add(): creating the device applies the `-global`s of its type (and of the virtio
 * device inside a PCI proxy), then sets each property written; one it does not have stops QEMU
 * ("Property 'vhost-user-fs-pci.cache-size' not found"). Drivers memslot has no list for pass.
 */
export function devicePropertyRefusal(
  state: SimState, device: Device, ref: ModelRef, phase: EventPhase, id: string): SimulationEvent | null {
  const { model, version } = state.ctx;
  // libvirt writes the properties its QEMU has; it checks the version itself (MS011, MS909).
  if (model.frontend !== 'qemu') return null;
  const driver = device.driver.value;
  const types = [driver, innerDeviceType(driver)].filter((type): type is string => type !== undefined);
  let refusal: { reason: RefusalReason; error: string } | null = null;
  for (const type of types) {
    const global = model.globals.find((g) => g.driver.value === type && deviceHasProperty(type, g.property.value, version) === false);
    if (global) {
      refusal = { reason: 'unknown-global-property', error: messages.globalNotApplied(type, global.property.value, global.value.value, messages.propertyNotFound(type, global.property.value)) };
      break;
    }
  }
  if (refusal === null) {
    const unknown = device.properties.find((property) => deviceHasProperty(driver, property.key, version) === false);
    // dynamic-memslots before 8.2 keeps its own reason: MS011 explains it, with a fix.
    const reason: RefusalReason = unknown?.key === 'dynamic-memslots' && device.kind === 'memory-device' ? 'dynamic-memslots-unsupported' : 'unknown-property';
    if (unknown) refusal = { reason, error: messages.propertyNotFound(driver, unknown.key) };
  }
  if (refusal === null) return null;
  const action: EventAction = device.kind === 'memory-device' ? 'memory-device-plug' : device.kind === 'vhost-device' ? 'vhost-init' : 'device-add';
  return refuse(openEvent(state, phase, action, id, ref), refusal.reason, refusal.error);
}
