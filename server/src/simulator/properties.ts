import { atLeast, type QemuVersion } from './version';

/**
 * The properties QEMU accepts for the devices and objects memslot models, so that a property this
 * QEMU does not have is refused where QEMU refuses it (a typo, a property from a fork such as
 * virtio-fs's `cache-size`, or one newer than the QEMU in the host profile).
 *
 * The lists are QEMU 10.0.2's own answers to `qemu-system-x86_64 -device DRIVER,help` and
 * `-object TYPE,help` (test/oracle/properties.test.ts asks the installed QEMU again). Older versions
 * take away what came later (`introduced`, from QEMU's history, cited there). Keys every device or
 * object takes (`driver`, `id`, `bus`, `qom-type`) are not listed.
 */
function words(text: string): ReadonlySet<string> {
  return new Set(text.split(' '));
}

export const deviceProperties: Readonly<Record<string, ReadonlySet<string>>> = {
  'pc-dimm': words('addr memdev node size slot'),
  'nvdimm': words('addr label-size memdev node size slot unarmed uuid'),
  'virtio-mem-pci': words('acpi-index addr aer any_layout ats block-size busnr disable-legacy disable-modern dynamic-memslots event_idx failover_pair_id in_order indirect_desc ioeventfd iommu_platform memaddr memdev migrate-extra modern-pio-notify multifunction node notify_on_empty packed page-per-vq prealloc queue_reset requested-size rombar romfile romsize size unplugged-inaccessible use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-early-migration x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'virtio-mem': words('any_layout block-size dynamic-memslots event_idx in_order indirect_desc iommu_platform memaddr memdev node notify_on_empty packed prealloc queue_reset requested-size size unplugged-inaccessible use-disabled-flag use-started x-disable-legacy-check x-early-migration'),
  'virtio-pmem-pci': words('acpi-index addr aer any_layout ats busnr disable-legacy disable-modern event_idx failover_pair_id in_order indirect_desc iommu_platform memaddr memdev migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'hv-balloon': words('addr instanceid memdev status-report'),
  'vhost-user-fs-pci': words('acpi-index addr aer any_layout ats bootindex busnr chardev event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty num-request-queues packed page-per-vq queue-size queue_reset rombar romfile romsize tag use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-blk-pci': words('acpi-index addr aer any_layout ats bootindex busnr chardev class config-wce disable-legacy disable-modern discard event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty num-queues packed page-per-vq queue-size queue_reset rombar romfile romsize use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration write-zeroes x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-vsock-pci': words('acpi-index addr aer any_layout ats busnr disable-legacy disable-modern event_idx failover_pair_id guest-cid in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize seqpacket use-disabled-flag use-started vectors vhostfd virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-vsock-pci': words('acpi-index addr aer any_layout ats busnr chardev disable-legacy disable-modern event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize seqpacket use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-vdpa-device-pci': words('acpi-index addr aer any_layout ats bootindex busnr disable-legacy disable-modern event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue-size queue_reset rombar romfile romsize use-disabled-flag use-started vhostdev virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-gpu-pci': words('acpi-index addr aer any_layout ats busnr chardev disable-legacy disable-modern edid event_idx failover_pair_id in_order indirect_desc ioeventfd iommu_platform max_outputs migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset xres yres'),
  'vhost-user-input-pci': words('acpi-index addr aer any_layout ats busnr chardev disable-legacy disable-modern event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-scsi-pci': words('acpi-index addr aer any_layout ats boot_tpgt bootindex busnr chardev cmd_per_lun disable-legacy disable-modern event_idx failover_pair_id hotplug in_order indirect_desc iommu_platform max_sectors migrate-extra modern-pio-notify multifunction notify_on_empty num_queues packed page-per-vq param_change queue_reset rombar romfile romsize t10_pi use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration virtqueue_size x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-scsi-pci': words('acpi-index addr aer any_layout ats boot_tpgt bootindex busnr cmd_per_lun disable-legacy disable-modern event_idx failover_pair_id in_order indirect_desc iommu_platform max_sectors migratable migrate-extra modern-pio-notify multifunction notify_on_empty num_queues packed page-per-vq queue_reset rombar romfile romsize seg_max_adjust t10_pi use-disabled-flag use-started vectors vhostfd virtio-backend virtio-pci-bus-master-bug-migration virtqueue_size worker_per_virtqueue wwpn x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-snd-pci': words('acpi-index addr aer any_layout ats busnr chardev controls event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-i2c-pci': words('acpi-index addr aer any_layout ats busnr chardev event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-rng-pci': words('acpi-index addr aer any_layout ats busnr chardev event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started vectors virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-gpio-pci': words('acpi-index addr aer any_layout ats busnr chardev event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started virtio-backend virtio-pci-bus-master-bug-migration x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
  'vhost-user-device-pci': words('acpi-index addr aer any_layout ats busnr chardev config_size event_idx failover_pair_id in_order indirect_desc iommu_platform migrate-extra modern-pio-notify multifunction notify_on_empty num_vqs packed page-per-vq queue_reset rombar romfile romsize use-disabled-flag use-started virtio-backend virtio-id virtio-pci-bus-master-bug-migration vq_size x-ats-page-aligned x-disable-legacy-check x-disable-pcie x-ignore-backend-features x-max-bounce-buffer-size x-pcie-ari-nextfn-1 x-pcie-deverr-init x-pcie-err-unc-mask x-pcie-ext-tag x-pcie-extcap-init x-pcie-flr-init x-pcie-lnkctl-init x-pcie-lnksta-dllla x-pcie-pm-init x-pcie-pm-no-soft-reset'),
};

export const objectProperties: Readonly<Record<string, ReadonlySet<string>>> = {
  'memory-backend-ram': words('dump host-nodes merge policy prealloc-context prealloc-threads prealloc reserve share size x-use-canonical-path-for-ramblock-id'),
  'memory-backend-file': words('align discard-data dump host-nodes mem-path merge offset pmem policy prealloc-context prealloc-threads prealloc readonly reserve rom share size x-use-canonical-path-for-ramblock-id'),
  'memory-backend-memfd': words('dump host-nodes hugetlb hugetlbsize merge policy prealloc-context prealloc-threads prealloc reserve seal share size x-use-canonical-path-for-ramblock-id'),
  'memory-backend-shm': words('dump host-nodes merge policy prealloc-context prealloc-threads prealloc reserve share size x-use-canonical-path-for-ramblock-id'),
  // SGX EPC: `-object memory-backend-epc,help` needs an SGX host; its properties are the common ones.
  'memory-backend-epc': words('dump host-nodes merge policy prealloc prealloc-context prealloc-threads reserve share size x-use-canonical-path-for-ramblock-id'),
};

/**
 * Properties and types that came after some QEMU version; `device:` / `object:` and the name as
 * QEMU spells it. Sources: QEMU's history (commit titles quoted) and docs/facts/virtio-mem.md for virtio-mem.
 */
const introduced: Readonly<Record<string, readonly [number, number]>> = {
  // "virtio-mem: Expose device memory dynamically via multiple memslots" (docs/facts/virtio-mem.md#decision-limit).
  'device:virtio-mem.dynamic-memslots': [8, 2],
  'device:virtio-mem-pci.dynamic-memslots': [8, 2],
  // "virtio-mem: Support VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE" (docs/facts/virtio-mem.md#unplugged-inaccessible).
  'device:virtio-mem.unplugged-inaccessible': [7, 0],
  'device:virtio-mem-pci.unplugged-inaccessible': [7, 0],
  // "backends/hostmem-file: Add "rom" property to support VM templating with R/O files".
  'object:memory-backend-file.rom': [8, 2],
  // "hostmem-file: add readonly=on|off option" (86635aa4e9d6, January 2021).
  'object:memory-backend-file.readonly': [6, 0],
  // "hostmem: add a new memory backend based on POSIX shm_open()" (4e647fa08586, for 9.1).
  'type:memory-backend-shm': [9, 1],
};

function since(key: string, version: QemuVersion): boolean {
  const first = introduced[key];
  return first === undefined || atLeast(version, first[0], first[1]);
}

/** Keys every device takes besides its own properties (qdev_device_add()). */
const deviceKeys: ReadonlySet<string> = new Set(['driver', 'id', 'bus']);
const objectKeys: ReadonlySet<string> = new Set(['qom-type', 'id']);

/** Whether QEMU `version` knows this device property; undefined when memslot has no list for the driver. */
export function deviceHasProperty(driver: string, key: string, version: QemuVersion): boolean | undefined {
  const known = deviceProperties[driver];
  if (known === undefined) return undefined;
  return deviceKeys.has(key) || (known.has(key) && since(`device:${driver}.${key}`, version));
}

export function objectHasProperty(type: string, key: string, version: QemuVersion): boolean | undefined {
  const known = objectProperties[type];
  if (known === undefined) return undefined;
  return objectKeys.has(key) || (known.has(key) && since(`object:${type}.${key}`, version));
}

export function objectTypeExists(type: string, version: QemuVersion): boolean {
  return since(`type:${type}`, version);
}

/**
 * The virtio device inside a PCI proxy, which is created with the proxy and takes `-global`s of its
 * own type: `-global virtio-mem.dynamic-memslots=on` reaches the virtio-mem in a virtio-mem-pci.
 */
export function innerDeviceType(driver: string): string | undefined {
  const inner = driver.replace(/-pci$/, '');
  return inner !== driver && deviceProperties[inner] !== undefined ? inner : undefined;
}
