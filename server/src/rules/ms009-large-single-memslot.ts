import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import type { MemoryDevice } from '../model/machine';
import { formatSize, MiB } from '../model/sizes';
import { atLeast, simulate } from '../simulator';
import { approximateSize, kvmMetadataCost } from './kvm-metadata';
import { describeItem, memoryDeviceOf, withDevices } from './lookup';
import { sentences } from './sentences';
import { finding, type Rule, type RuleContext } from './types';

/**
 * MS009 — a large virtio-mem device mapped as one memslot. Without dynamic-memslots QEMU maps the
 * whole device as a single memslot from plug on, however little the guest uses, and KVM allocates
 * its metadata for all of it (hw/virtio/virtio-mem.c, docs/facts/virtio-mem.md#mapping). With dynamic-memslots=on
 * (QEMU 8.2+) only memslots holding plugged memory are mapped. Suggested only where turning it on
 * refuses no vhost back-end (checked by simulating it).
 */
const reportAtLeast = 128 * MiB;

export const largeSingleMemslot: Rule = {
  ...codes.MS009,
  check(context) {
    const { simulation, model, profile } = context;
    if (!simulation.machine.kvm || simulation.outcome !== 'starts') return [];
    const spaces = simulation.machine.smmAddressSpace ? 2 : 1;
    const found = [];
    for (const result of simulation.memoryDevices) {
      if (result.kind !== 'virtio-mem' || result.dynamicMemslots || result.status !== 'plugged') continue;
      const device = memoryDeviceOf(model, result.ref);
      if (!device) continue;
      const now = kvmMetadataCost(result.size, spaces);
      // With dynamic memslots at least the requested size stays mapped, so this bounds the saving;
      // checking it first spares a trial simulation per small device.
      const largestSaving = now.withoutTdpMmu - kvmMetadataCost(result.requestedSize ?? 0, spaces).withoutTdpMmu;
      if (largestSaving < reportAtLeast) continue;
      const canDecide = atLeast(profile.qemuVersion.value, 8, 2);
      const trial = canDecide ? tryDynamic(context, device) : undefined;
      const trialResult = trial?.memoryDevices.find((d) => d.ref.index === result.ref.index);
      const mappedBytes = trialResult && trialResult.memslotSize !== null
        ? Math.min(result.size, trialResult.mappedAfterGuestPlug * trialResult.memslotSize)
        : (result.requestedSize ?? 0);
      const dynamic = kvmMetadataCost(mappedBytes, spaces);
      if (now.withoutTdpMmu - dynamic.withoutTdpMmu < reportAtLeast) continue;
      const smm = spaces === 2 ? ', doubled because SMM gives the VM a second KVM address space' : '';
      const costText = `KVM keeps about ${approximateSize(now.withoutTdpMmu)} of metadata for it without the TDP MMU, ${approximateSize(now.withTdpMmu)} with it${smm}`;
      const requested = result.requestedSize ?? 0;
      const given = requested > 0
        ? `though the guest is given ${formatSize(requested)}`
        : `though nothing is plugged yet (requested-size is ${device.requestedSize ? '0' : 'not set'})`;
      let advice: string;
      let fixes: Fix[] = [];
      if (!canDecide) advice = `the dynamic-memslots property needs QEMU 8.2 or later (this is QEMU ${profile.qemuVersion.value.major}.${profile.qemuVersion.value.minor})`;
      else if (trial?.outcome !== 'starts') {
        advice = `turning dynamic-memslots on would not help here: QEMU would then refuse ${trial?.refusedBy ?? 'the machine'} ("${trial?.error ?? ''}")`;
      } else if ((trialResult?.memslots ?? 1) <= 1) continue;
      else {
        const split = `with dynamic-memslots=on it would be split into ${trialResult?.memslots} memslots of ${formatSize(trialResult?.memslotSize ?? 0)}`;
        const mapped = trialResult?.mappedAfterGuestPlug ?? 0;
        advice = mapped > 0
          ? `${split}, of which ${mapped} hold the requested ${formatSize(requested)}: about ${approximateSize(dynamic.withoutTdpMmu)} without the TDP MMU, ${approximateSize(dynamic.withTdpMmu)} with it`
          : `${split}, none of them mapped until requested-size is raised, so KVM would keep no metadata for it until then`;
        fixes = dynamicOnFix(context, device);
      }
      found.push(finding(this, {
        message: `${result.id} maps all ${formatSize(result.size)} as one memslot from the start: about ${approximateSize(now.withoutTdpMmu)} of KVM metadata${requested > 0 ? ` for ${formatSize(requested)} used` : ''}`,
        range: device.range,
        subjects: [result.id],
        data: { metadataBytes: now, dynamicMetadataBytes: dynamic, explanation: sentences(`${describeItem(device)} maps all ${formatSize(result.size)} as one memslot from the start, ${given}: ${costText}`, advice) },
        fixes,
      }));
    }
    return found;
  },
};

function tryDynamic(context: RuleContext, device: MemoryDevice) {
  const changed = withDevices(context.model, context.model.devices.map((d) =>
    d === device ? { ...device, dynamicMemslots: { value: true, range: device.range, origin: 'written' as const } } : d));
  return simulate(changed, context.profile);
}

function dynamicOnFix(context: RuleContext, device: MemoryDevice): Fix[] {
  const { editor } = context;
  const edit = editor.setProperty(device, 'dynamic-memslots', true);
  if (!edit) return [];
  // Off by default, so usually not written: then the fix adds it.
  const verb = device.dynamicMemslots?.origin === 'written' ? 'Set' : 'Add';
  return [{ title: `${verb} ${editor.vocabulary.assignment('dynamic-memslots', true)} (map only the memslots the guest uses)`, edits: [edit], isPreferred: true }];
}
