import { codes } from '../model/codes';
import type { Fix } from '../model/findings';
import { formatSize, MiB } from '../model/sizes';
import { messages } from '../simulator';
import { memoryDeviceOf } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS013 — virtio-mem next to a VFIO device: VFIO DMA-maps every plugged virtio-mem block
 * separately, and QEMU checks that the mappings plus KVM's memslot limit fit the IOMMU's DMA
 * mapping limit (65535, the vfio_iommu_type1 dma_entry_limit default). Up to QEMU 10.1 it warns,
 * from 10.2 the VFIO device fails (hw/vfio/common.c, hw/vfio/listener.c from 10.1; docs/facts/memslots.md#vfio-dma-mappings).
 * The simulator decides (Simulation.vfioDma, and the refusal at start-up from 10.2).
 */

export const virtioMemVfioDmaLimit: Rule = {
  ...codes.MS013,
  check(context) {
    const { simulation, model, editor } = context;
    const vfio = model.devices.filter((d) => d.kind === 'vfio-device');
    const found = [];
    // The simulator makes the check QEMU makes (simulator/vfio.ts); this rule only explains it.
    for (const check of simulation.vfioDma) {
      if (!check.exceeded) continue;
      const device = memoryDeviceOf(model, check.ref);
      if (!device) continue;
      const block = check.blockSize;
      const verbatim = messages.vfioDmaMappings(check.dmaMaxMappings, check.maxMemslots);
      const runtime = check.when === 'runtime';
      const when = runtime ? 'once the guest plugs most of it' : 'at start-up (the whole device is mapped)';
      const consequence = !check.fatal
        ? 'QEMU up to 10.1 only warns, but DMA mapping can fail later'
        : check.refused
          ? `From QEMU 10.2 this is an error: ${simulation.refusedBy === check.vfio ? `the VFIO device ${check.vfio} fails to start` : `QEMU stops with "${messages.vfioDmaMappingFailed}"`}, so QEMU does not start`
          : `From QEMU 10.2 this is an error: at run time QEMU stops with "${messages.vfioDmaMappingFailed}"`;
      const others = check.mappings - Math.ceil(check.size / block);
      const fits = (candidate: number): boolean =>
        Math.ceil(check.size / candidate) + others + check.maxMemslots - check.sections <= check.dmaMaxMappings;
      let fitting = block;
      while (!fits(fitting) && fitting < check.size) fitting *= 2;
      const fixes: Fix[] = [];
      const requested = device.requestedSize?.value ?? 0;
      if (fitting > block && requested % fitting === 0 && check.size % fitting === 0) {
        const blockSize = `${fitting / MiB}M`;
        const edit = editor.setProperty(device, 'block-size', blockSize);
        const title = `Set ${editor.vocabulary.assignment('block-size', blockSize)} (fewer, larger DMA mappings)`;
        if (edit) fixes.push({ title, edits: [edit], isPreferred: true });
      }
      found.push(finding(this, {
        severity: check.fatal ? 'error' : 'warning',
        message: `${check.id} needs up to ${check.mappings} VFIO DMA mappings in ${formatSize(block)} blocks, over the IOMMU's ${check.dmaMaxMappings}: ${check.fatal ? (check.refused ? 'QEMU does not start' : 'QEMU stops at run time') : 'DMA mapping can fail'}`,
        qemu: verbatim,
        data: { when, consequence, fitting: fitting > block ? formatSize(fitting) : null },
        range: device.blockSize?.origin === 'written' ? device.blockSize.range : device.range,
        related: vfio.map((v) => ({ message: 'VFIO device: DMA-maps guest memory', range: v.range })),
        subjects: [check.id],
        fixes,
      }));
    }
    return found;
  },
};
