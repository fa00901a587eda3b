/**
 * QEMU's error and warning texts, verbatim (typos included): users search for them and the oracle
 * tests compare them with real QEMU. For display only: the simulator says WHY it refused with a
 * typed `RefusalReason` (./types.ts), and rules switch on that, never on these texts.
 */
function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

function vfioDmaText(maxMappings: number, maxMemslots: number): string {
  return `vfio_ram_discard_register_listener: possibly running out of DMA mappings. E.g., try increasing the 'block-size' of virtio-mem devies. Maximum possible DMA mappings: ${maxMappings}, Maximum possible memslots: ${maxMemslots}`;
}

export const messages = {
  autoDecisionRefusesVhost:
    'some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots',
  autoDecisionRefusesVhostHint: 'Try plugging this vhost backend before plugging such memory devices.',
  vhostLimitBelowUsed: (limit: number, used: number, reserved: number): string =>
    `vhost backend memory slots limit (${limit}) is less than current number of used (${used}) and reserved (${reserved}) memory slots for memory devices.`,
  vhostLimitBelowUsedLegacy: 'vhost backend memory slots limit is less than current number of present memory slots',
  vhostNetInitFailed: (queue: number): string => `failed to init vhost_net for queue ${queue}`,
  kvmNotEnoughFree: 'hypervisor has not enough free memory slots left',
  kvmNoFreeLegacy: 'hypervisor has no free memory slots left',
  vhostNotEnoughFree: 'a used vhost backend has not enough free memory slots left',
  vhostNoFreeLegacy: 'a used vhost backend has no free memory slots left',
  notEnoughSpace: (used: number, total: number): string =>
    `not enough space, currently ${hex(used)} in use of total space for memory devices ${hex(total)}`,
  noDeviceMemory:
    'the configuration is not prepared for memory devices (e.g., for memory hotplug), consider specifying the maxmem option',
  noDeviceMemoryLegacy: 'memory devices (e.g. for memory hotplug) are not enabled, please specify the maxmem option',
  noDimmSlots: "no slots where allocated, please specify the 'slots' option",
  noFreeDimmSlots: 'no free slots available',
  invalidOption: 'invalid option',
  nvdimmNotEnabled: "nvdimm is not enabled: missing 'nvdimm' in '-M'",
  memoryHotplugDisabled: 'memory hotplug is not enabled: missing acpi device or acpi disabled',
  nvdimmReadOnlyNeedsUnarmed: (id: string): string => `'unarmed' property must be 'on' since memdev ${id} is read-only`,
  memdevMustBeSet: "'memdev' property must be set",
  memdevNotFound: (driver: string, id: string): string => `Property '${driver}.memdev' can't find value '${id}'`,
  dimmBusyMemdev: (id: string): string => `can't use already busy memdev: ${id}`,
  virtioMemBusyMemdev: (id: string): string => `'memdev' property specifies a busy memdev: ${id}`,
  virtioMemUnsupportedMemdev: "'memdev' property specifies an unsupported memdev",
  virtioMemPreallocMemdev: (id: string): string =>
    `'memdev' property specifies a memdev with preallocation enabled: ${id}. Instead, specify 'prealloc=on' for the virtio-mem device. `,
  dynamicMemslotsNeedsUnpluggedInaccessible:
    "'dynamic-memslots' property set to 'on' requires 'unplugged-inaccessible' to be 'on'",
  unpluggedInaccessibleOffWarning:
    "'unplugged-inaccessible' property set to 'off' with a memdev that does not support the shared zeropage.",
  requestedSizeNotAligned: (block: number): string =>
    `'requested-size' property has to be multiples of 'block-size' (${hex(block)})`,
  memdevSizeNotAligned: (block: number): string =>
    `'memdev' property memdev size has to be multiples of'block-size' (${hex(block)})`,
  qomRequestedSizeNotAligned: (block: number): string =>
    `'requested-size' has to be multiples of 'block-size' (${hex(block)})`,
  qomRequestedSizeTooBig: (size: number): string =>
    `'requested-size' cannot exceed the memory backend size(${hex(size)})`,
  virtioMemUnplugInaccessible: "virtio-mem device cannot get unplugged while 'unplugged-inaccessible' != 'on'",
  virtioMemUnplugRequested: "virtio-mem device cannot get unplugged while 'requested-size' != '0'",
  propertyNotFound: (driver: string, property: string): string => `Property '${driver}.${property}' not found`,
  discardDisabled: 'Discarding RAM is disabled',
  /** qom/object.c object_apply_global_props(): a `-global` is applied when a device of its type is created. */
  globalNotApplied: (driver: string, property: string, value: string, reason: string): string =>
    `can't apply global ${driver}.${property}=${value}: ${reason}`,
  /** -object is read by QAPI: an unknown key in QemuOpts form, or in JSON form (qapi/qobject-input-visitor.c). */
  objectInvalidParameter: (key: string): string => `Invalid parameter '${key}'`,
  objectUnexpectedParameter: (key: string): string => `Parameter '${key}' is unexpected`,
  objectTypeUnknown: (type: string): string => `Parameter 'qom-type' does not accept value '${type}'`,
  invalidDeviceModel: (driver: string): string => `'${driver}' is not a valid device model name`,
  onlyOneBalloon: 'Only one balloon device is supported',
  unsupportedSlots: (slots: number): string => `unsupported amount of memory slots: ${slots}`,
  maxmemBelowSize: (maxmem: number, size: number): string =>
    `invalid value of maxmem: maximum memory size (${hex(maxmem)}) must be at least the initial memory size (${hex(size)})`,
  slotsWithoutMaxmemSpace: (maxmem: number, size: number): string =>
    `invalid value of maxmem: memory slots were specified but maximum memory size (${hex(maxmem)}) is equal to the initial memory size (${hex(size)})`,
  slotsWithoutMaxmem: 'slots specified but no max-size',
  numaTotalNotRam: (total: number, ram: number): string => `total memory for NUMA nodes (${hex(total)}) should equal RAM size (${hex(ram)})`,
  physBitsTooLow: (limit: number, used: number, bits: number): string =>
    `Address space limit ${hex(limit)} < ${hex(used)} phys-bits too low (${bits})`,
  busNotHotpluggable: (bus: string): string => `Bus '${bus}' does not support hotplugging`,
  deviceNotFound: (id: string): string => `Device '${id}' not found`,
  // Hot-plug answers over QMP, checked against QEMU 10.0.2 (test/oracle/hotplug-plans.test.ts).
  /** pc_dimm_pre_plug(): QEMU prints slots − 1 as an unsigned 64-bit number (so [0-18446744073709551615] without slots=). */
  invalidSlot: (slot: number, slots: number): string =>
    `invalid slot number ${slot}, valid range is [0-${(BigInt(slots) - 1n + (slots === 0 ? 2n ** 64n : 0n)).toString()}]`,
  slotBusy: (slot: number): string => `slot ${slot} is busy`,
  sizeNotAligned: (align: number): string => `backend memory size must be multiple of ${hex(align)}`,
  addressNotAligned: (align: number): string => `address must be aligned to ${hex(align)} bytes`,
  /** memory_device_get_free_addr(): the second and fourth numbers are sizes, not end addresses. */
  outsideWindow: (addr: number, size: number, base: number, windowSize: number): string =>
    `can't add memory device [${hex(addr)}:${hex(size)}], usable range for memory devices [${hex(base)}:${hex(windowSize)}]`,
  conflict: (qemuId: string): string => `address range conflicts with memory device id='${qemuId}'`,
  fragmented: 'could not find position in guest address space for memory device - memory fragmented due to alignments',
  tooBig: "can't add memory device, device too big",
  cpuRequiresKvm: (model: string): string => `CPU model '${model}' requires KVM or HVF`,
  physBitsOutOfRange: (bits: number): string => `phys-bits should be between 32 and 52  (but is ${bits})`,
  physBitsNot32Bit: 'phys-bits is not user-configurable in 32 bit',
  duplicateObject: (id: string): string => `attempt to add duplicate property '${id}' to object (type 'container')`,
  duplicateDevice: (id: string): string => `Duplicate device ID '${id}'`,
  duplicateNetdev: (id: string): string => `Duplicate ID '${id}'`,
  duplicateChardev: (id: string): string => `Chardev with id '${id}' already exists`,
  /** HMP netdev_add: the QemuOpts list refuses the id first (docs/facts/hotplug.md#hmp-wording). */
  duplicateNetdevHmp: (id: string): string => `Duplicate ID '${id}' for netdev`,
  /** HMP chardev-add of a socket over a socket chardev (docs/facts/hotplug.md#hmp-wording). */
  duplicateYankInstance: 'duplicate yank instance',
  objectNotFound: (id: string): string => `object '${id}' not found`,
  objectInUse: (id: string): string => `object '${id}' is in use, can not be deleted`,
  unplugPending: (id: string): string => `Device ${id} is already in the process of unplug`,
  nvdimmUnplugUnsupported: 'nvdimm device hot unplug is not supported yet.',
  propertyNotWritable: (type: string, property: string): string => `Property '${type}.${property}' is not writable`,
  expectsUint64: (property: string): string => `Parameter '${property}' expects uint64`,
  /**
   * docs/facts/memslots.md#vfio-dma-mappings, verbatim ("devies" sic); `%s` is the function name. A warning up to
   * 10.1, an error from 10.2.
   */
  vfioDmaMappings: vfioDmaText,
  /**
   * 10.2+, while the VFIO device is being realised: the docs give the `Region %s: ` prefix.
   * [inf] `%s` is the memory region's name, which for a virtio-mem device without dynamic-memslots
   * is its memory backend's id; QEMU may put further prefixes naming the VFIO device in front,
   * which the docs do not give, so none are added here.
   */
  vfioDmaMappingsAtRealize: (region: string, maxMappings: number, maxMemslots: number): string =>
    `Region ${region}: ${vfioDmaText(maxMappings, maxMemslots)}`,
  /** 10.2+, a section mapped once the VFIO device exists: QEMU reports the check and stops (same page). */
  vfioDmaMappingFailed: 'vfio: DMA mapping failed, unable to continue',
};
