import { codes } from '../model/codes';
import { describeItem, itemOfRef, userId } from './lookup';
import { qemuSays } from './refusal-text';
import { finding, type Rule } from './types';

/**
 * MS022 — virtio-mem next to vhost-vdpa. A vhost-vdpa device pins all guest memory and so
 * disables discarding RAM (hw/virtio/vhost-vdpa.c vhost_vdpa_init(), ram_block_discard_disable()),
 * which virtio-mem needs to unplug memory (hw/virtio/virtio-mem.c virtio_mem_device_realize(),
 * ram_block_coordinated_discard_require()): the virtio-mem device is refused.
 */
export const virtioMemWithVhostVdpa: Rule = {
  ...codes.MS022,
  check(context) {
    const { simulation, model } = context;
    if (simulation.reason !== 'discard-disabled') return [];
    const refused = itemOfRef(model, simulation.refusal?.ref);
    const vdpa = [...model.netdevs, ...model.devices].find((item) => (item.kind === 'netdev' ? item.vhost === 'vhost-vdpa' : item.kind === 'vhost-device' && item.backend === 'vhost-vdpa'));
    const range = refused?.range ?? model.headRange;
    return [finding(this, {
      message: `QEMU refuses ${describeItem(refused)}: ${describeItem(vdpa, 'vhost-vdpa')} pins guest memory, so virtio-mem cannot discard it`,
      range,
      related: [qemuSays(simulation.error ?? '', range), ...(vdpa ? [{ message: 'vhost-vdpa disables discarding RAM here', range: vdpa.range }] : [])],
      subjects: [userId(refused), userId(vdpa)].filter((s): s is string => s !== undefined),
    })];
  },
};
