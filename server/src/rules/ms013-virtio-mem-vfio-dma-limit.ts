import type { Fix } from '../model/findings';
import { formatSize, MiB } from '../model/sizes';
import { atLeast } from '../simulator';
import { setOptionProperty } from './edits';
import { backendById, memoryDeviceOf } from './lookup';
import { finding, type Rule } from './types';

/**
 * MS013 — virtio-mem next to a VFIO device: VFIO DMA-maps every plugged virtio-mem block
 * separately, and QEMU checks that the mappings plus KVM's memslot limit fit the IOMMU's DMA
 * mapping limit (65535, the vfio_iommu_type1 dma_entry_limit default). Up to QEMU 10.1 it warns,
 * from 10.2 the VFIO device fails (hw/vfio/common.c, hw/vfio/listener.c from 10.1; spec §9).
 */
const dmaMaxMappings = 65535;
const verbatimPrefix = "vfio_ram_discard_register_listener: possibly running out of DMA mappings. E.g., try increasing the 'block-size' of virtio-mem devies.";

export const virtioMemVfioDmaLimit: Rule = {
  code: 'MS013',
  slug: 'virtio-mem-vfio-dma-limit',
  title: 'virtio-mem with VFIO: DMA mapping limit',
  defaultSeverity: 'warning',
  reporter: 'rule',
  check(context) {
    const { simulation, model, profile, document } = context;
    const vfio = model.devices.filter((d) => d.kind === 'vfio-device');
    if (vfio.length === 0) return [];
    const maxMemslots = simulation.machine.kvm ? profile.kvmMemslots.value : 512;
    const fatal = atLeast(profile.qemuVersion.value, 10, 2);
    const found = [];
    let mappings = 0;
    let sections = 0;
    for (const result of simulation.memoryDevices) {
      if (result.kind !== 'virtio-mem' || result.status !== 'plugged') continue;
      const device = memoryDeviceOf(model, result.ref);
      if (!device) continue;
      const backend = backendById(model, result.backend);
      const block = device.blockSize?.value ?? (backend?.hugetlb?.value ? backend.hugetlbSize?.value ?? 2 * MiB : 2 * MiB);
      // dyn=off: one section covering the device at start-up; dyn=on: the memslots the guest fills (worst case: all).
      const deviceSections = result.dynamicMemslots ? result.memslots : 1;
      mappings += Math.ceil(result.size / block);
      sections += deviceSections;
      if (mappings + maxMemslots - sections <= dmaMaxMappings) continue;
      const verbatim = `${verbatimPrefix} Maximum possible DMA mappings: ${dmaMaxMappings}, Maximum possible memslots: ${maxMemslots}`;
      const when = result.dynamicMemslots ? 'once the guest plugs most of it' : 'at start-up (the whole device is mapped)';
      const consequence = fatal
        ? `From QEMU 10.2 this is an error: the VFIO device fails to start${result.dynamicMemslots ? ', or at run time QEMU stops with "vfio: DMA mapping failed, unable to continue"' : ''}`
        : 'QEMU up to 10.1 only warns, but DMA mapping can fail later';
      let fitting = block;
      while (Math.ceil(result.size / fitting) + (mappings - Math.ceil(result.size / block)) + maxMemslots - sections > dmaMaxMappings && fitting < result.size) fitting *= 2;
      const fixes: Fix[] = [];
      const requested = result.requestedSize ?? 0;
      if (model.frontend === 'qemu' && fitting > block && requested % fitting === 0 && result.size % fitting === 0) {
        const edit = setOptionProperty(document, device, 'block-size', `${fitting / MiB}M`);
        if (edit) fixes.push({ title: `Set block-size=${fitting / MiB}M (fewer, larger DMA mappings)`, edits: [edit], isPreferred: true });
      }
      found.push(finding(this, {
        severity: fatal ? 'error' : 'warning',
        message: `${formatSize(result.size)} of virtio-mem in ${formatSize(block)} blocks needs up to ${mappings} VFIO DMA mappings ${when}; with KVM's ${maxMemslots} memslots that exceeds the ${dmaMaxMappings} DMA mappings of the IOMMU: QEMU reports "${verbatim}". ${consequence}.${fitting > block ? ` A block-size of ${formatSize(fitting)} would fit.` : ''}`,
        range: device.blockSize?.origin === 'written' ? device.blockSize.range : device.range,
        related: vfio.map((v) => ({ message: 'VFIO device: DMA-maps guest memory', range: v.range })),
        subjects: [result.id],
        fixes,
      }));
    }
    return found;
  },
};
