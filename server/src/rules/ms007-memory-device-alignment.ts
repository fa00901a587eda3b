import { codes } from '../model/codes';
import { formatSize } from '../model/sizes';
import { itemOfRef, nameOf, userId } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS007 — virtio-mem sizes must be multiples of its block-size: the backend size ("'memdev'
 * property memdev size has to be multiples of'block-size' (0x%x)", sic) and requested-size
 * ("'requested-size' property has to be multiples of 'block-size' (0x%x)"),
 * hw/virtio/virtio-mem.c (docs/facts/virtio-mem.md#errors). libvirt: "requested size must be an integer multiple of block size".
 */
export const memoryDeviceAlignment: Rule = {
  ...codes.MS007,
  check(context) {
    const { simulation, model } = context;
    const error = simulation.error ?? '';
    const reason = simulation.reason;
    if (reason !== 'requested-size-alignment' && reason !== 'memdev-size-alignment') return [];
    const refused = itemOfRef(model, simulation.refusal?.ref);
    const device = refused?.kind === 'memory-device' ? refused : undefined;
    const range = reason === 'requested-size-alignment' ? device?.requestedSize?.range : device?.blockSize?.range;
    return [finding(this, {
      message: `QEMU refuses ${nameOf(refused)}: its ${reason === 'requested-size-alignment' ? 'requested-size' : 'memdev size'} is not a multiple of its block-size${device?.blockSize ? ` (${formatSize(device.blockSize.value)})` : ''}`,
      qemu: error,
      range: range && range !== device?.range ? range : refused?.range ?? model.headRange,
      subjects: [userId(refused)].filter((s): s is string => s !== undefined),
    })];
  },
};
