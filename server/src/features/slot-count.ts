import type { MachineModel } from '../model/machine';
import type { ConsumerKind, ConsumerResult, Simulation } from '../simulator';
import { busiestKvm } from './common';

/**
 * The one place slot figures come from: the inlay hints, the hover, the report, the language status
 * and the CLI all show these numbers, each saying which moment they mean. QEMU stops at the first
 * refusal, before the first system reset, so a refused machine is counted when it stopped; one that
 * starts is counted after reset (paused, before firmware), and again once the guest plugs.
 */

export type SlotMoment = 'when-refused' | 'after-reset';

export interface ConsumerFigure {
  id: string;
  kind: ConsumerKind;
  /** `KVM`, `vu fs0`, `vhost net0`, `vdpa vd0`. */
  short: string;
  /** Slots in use at the moment. */
  used: number;
  /** Memory-device slots reserved (required − mapped), counted against every consumer. */
  reserved: number;
  /** null: no limit (vDPA). */
  limit: number | null;
  /** vhost-user: false when no profile rule named the back-end and its limit is assumed. */
  limitKnown: boolean;
  limitOrigin: string;
  /** Slots in use once the guest driver has plugged every virtio-mem's requested-size (machines that start). */
  afterGuestPlug: number | null;
}

export interface SlotFigures {
  moment: SlotMoment;
  /** "when QEMU stopped at fs0 (before reset)" or "after start (reset, before firmware)". */
  momentText: string;
  /** KVM (the fullest address space: what QEMU's free-slot check reads), then every vhost back-end. */
  consumers: ConsumerFigure[];
  kvm: ConsumerFigure | undefined;
  /** The vhost back-end QEMU refused, at its own init (it never became a consumer). */
  refused: ConsumerFigure | undefined;
  /** KVM slots boot memory and firmware take at the moment. */
  bootSlots: number | undefined;
}

export function consumerShort(kind: ConsumerKind, id: string): string {
  switch (kind) {
    case 'kvm': return 'KVM';
    case 'vhost-user': return `vu ${id}`;
    case 'vhost-kernel': return `vhost ${id}`;
    case 'vhost-vdpa': return `vdpa ${id}`;
  }
}

export function slotFigures(simulation: Simulation, model?: MachineModel): SlotFigures {
  const moment: SlotMoment = simulation.outcome === 'refused' ? 'when-refused' : 'after-reset';
  const figure = (consumer: ConsumerResult): ConsumerFigure => ({
    id: consumer.kind === 'kvm' ? 'kvm' : consumer.id,
    kind: consumer.kind,
    short: consumerShort(consumer.kind, consumer.id),
    used: consumer.used,
    reserved: consumer.reserved,
    limit: consumer.limit,
    limitKnown: consumer.limitKnown,
    limitOrigin: consumer.limitSource.origin,
    afterGuestPlug: moment === 'after-reset' ? consumer.usedAfterGuestPlug : null,
  });
  const busiest = busiestKvm(simulation);
  const kvm = busiest ? figure(busiest) : undefined;
  const consumers = [...(kvm ? [kvm] : []), ...simulation.consumers.filter((consumer) => consumer.kind !== 'kvm').map(figure)];
  const refused = refusedBackend(simulation, model);
  const boot = simulation.events.find((event) => event.action === 'machine-init')?.decisions.find((decision) => decision.what === 'boot-layout');
  const kvmSpace0 = simulation.consumers.find((consumer) => consumer.kind === 'kvm' && consumer.addressSpace !== 1);
  const bootSlots = moment === 'after-reset'
    ? (typeof boot?.result === 'number' ? boot.result : undefined)
    // usedAtInit of address space 0 is the boot layout while devices are realised.
    : (boot ? kvmSpace0?.usedAtInit : undefined);
  const momentText = moment === 'when-refused'
    ? `when QEMU stopped${simulation.refusedBy ? ` at ${simulation.refusedBy}` : ''} (before reset)`
    : 'after start (reset, before firmware)';
  return { moment, momentText, consumers, kvm, refused, bootSlots };
}

/** A refused vhost device: its limit and the regions it would have had to map, from its init step. */
function refusedBackend(simulation: Simulation, model: MachineModel | undefined): ConsumerFigure | undefined {
  const event = simulation.events.find((candidate) => candidate.result === 'refused');
  if (!event || event.action !== 'vhost-init' || !event.slotsAfter) return undefined;
  const limitDecision = event.decisions.find((decision) => decision.what === 'vhost-limit');
  if (!limitDecision || !(typeof limitDecision.result === 'number' || limitDecision.result === null)) return undefined;
  const kind = vhostKind(simulation, model);
  const id = event.id ?? 'vhost';
  const origin = limitDecision.explanation;
  return {
    id,
    kind,
    short: consumerShort(kind, id),
    used: kind === 'vhost-user' ? event.slotsAfter.vhostUser : event.slotsAfter.vhostOther,
    reserved: simulation.machine.reservedMemslots,
    limit: limitDecision.result,
    limitKnown: !simulation.unknownBackends.some((backend) => backend.id === id),
    limitOrigin: origin,
    afterGuestPlug: null,
  };
}

function vhostKind(simulation: Simulation, model: MachineModel | undefined): ConsumerKind {
  const ref = simulation.refusal?.ref;
  if (model && ref?.collection === 'devices') {
    const device = model.devices[ref.index];
    if (device?.kind === 'vhost-device') return device.backend;
  }
  if (model && ref?.collection === 'netdevs') {
    const netdev = model.netdevs[ref.index];
    if (netdev?.vhost) return netdev.vhost;
  }
  return 'vhost-user';
}

/** `used/limit` with reserved slots when there are any: `2+64/32`; `?` marks an assumed limit. */
export function usedOfLimit(figure: ConsumerFigure, withReserved = false): string {
  const used = withReserved && figure.reserved > 0 ? `${figure.used}+${figure.reserved}` : String(figure.used);
  const limit = figure.limit === null ? '∞' : `${figure.limit}${figure.limitKnown ? '' : '?'}`;
  return `${used}/${limit}`;
}
