/**
 * The memslot simulator: a pure, deterministic replay of QEMU's start-up and hot-plug as far as
 * memslots go (KVM and vhost slot tables, memory devices' required/used/reserved memslots, the
 * automatic memslot decision and QEMU's checks with their verbatim messages). Facts, with their QEMU
 * sources: docs/facts/README.md; measured values: the oracle scenarios in test/oracle/.
 *
 * Stable API (the CLI, rules, hovers and the oracle tests call these):
 *
 * - `defaultHostProfile(): HostProfile` — a current upstream x86 host: QEMU 10.0, KVM 32764 slots,
 *   SMM on, vhost max_mem_regions 64, no vhost-user rules, unknown vhost-user back-ends assumed 509
 *   (and listed in `Simulation.unknownBackends`). Every value is `{ value, source, origin }` with
 *   source 'default' | 'settings' | 'cli' | 'script' | 'directive'.
 * - `parseProfileOptions(args)` → `{ overrides, errors, rest }` for `--qemu VERSION`,
 *   `--qemu-flavor upstream|rhel`, `--kvm-memslots N`, `--smm on|off`, `--vhost-max-mem-regions N`,
 *   `--vhost-user SOCKET=N` (repeatable; SOCKET is a path glob, a socket file name or a chardev id;
 *   N may be `nocfg` for a back-end without CONFIGURE_MEM_SLOTS, i.e. 8). Never prints or exits.
 *   `readProfileOption(flag, value, overrides, errors)` reads one of `PROFILE_VALUE_FLAGS` (the CLI's parseArgs).
 * - `applyProfileOptions(base, overrides, source, origin?)` → a new HostProfile; vhost-user rules
 *   from later layers take precedence (first match wins).
 * - `simulate(model, profile, hotplug?)` → `Simulation`. Plug order: `-m` checks; vhost netdevs
 *   (JSON, -netdev, -nic, -net); `-device`s with QemuOpts form before JSON form; system reset; then
 *   the hot-plug events in order, answered as QEMU answers each command at once, the guest not
 *   acting (hotplug.ts; a hot-plug failure does not change `outcome`; see `hotplugErrors`).
 * - `capacity(model, profile, plan, simulation)`: how many more DIMMs fit and what stops them.
 *
 * `JSON.stringify(simulation)` is what the CLI prints. Contract fields: `outcome`, `refusedBy`
 * (device/netdev id, or `driver#index` when it has none; null if it started or QEMU refused the
 * `-m`/machine options, e.g. slots > 256 or "phys-bits too low"; `refusal.option` says which option),
 * `error` (QEMU's message without the "qemu-system-x86_64: <option>: " prefix), `reason` (why, a
 * closed set: `RefusalReason`; rules switch on it, never on `error`), `memoryDevices[]`
 * {id, driver, memslots, mapped} (`mapped` = memslots mapped when QEMU has started, before a guest
 * driver runs; `mappedAfterGuestPlug` = once the guest plugged requested-size), `consumers[]`
 * {id, kind, limit, used, headroom} (`kvm` and `kvm-smram` per KVM address space, then every vhost
 * device; `used` = after reset, paused; `headroom` = limit − used − reserved), `events[]` (each step
 * with `decisions[]`: inputs, result and a human explanation such as
 * "limit 16 = floor(256 × 64 GiB / 1020 GiB)").
 *
 * Extra fields: `refusal` {reason, by, ref, option, message, hint} (`hint`: QEMU's second line, e.g.
 * "Try plugging this vhost backend before..."; `ref`: collection + index + order of the model item, for ranges), `unknownBackends`
 * (vhost-user back-ends no profile rule matched: simulated with `unknownVhostUserAssumption`),
 * `hotplugErrors` (`hang: true` for a hot-added vhost-user netdev that QEMU retries forever),
 * per consumer `limitSource`/`limitKnown`/`usedAtInit`/`usedAfterGuestPlug`/`reserved`/
 * `uncertainty` (KVM ± 3: firmware changes the boot-area split)/`overLimitAfterReset` (a vhost device
 * that passed its init check with fewer boot regions than exist after reset), `machine` (device
 * memory and QEMU's required/used/reserved counters), `profile` (every value with its source) and
 * `vfioDma` (VFIO's DMA mapping check per virtio-mem device, docs/facts/memslots.md#vfio-dma-mappings: from QEMU 10.2 a failing
 * start-up check refuses the VFIO device, or stops QEMU when the device is plugged after it).
 *
 * `machine.addressSpace` (x86 pc/q35: the guest CPU's vendor and phys-bits, RAM below/above 4 GiB, the
 * AMD HyperTransport-hole relocation, the device-memory window, the 64-bit PCI hole, the highest
 * address in use) and per memory device its `addr` and DIMM `slot` (QEMU's placement, address-space.ts
 * and placement.ts).
 *
 * Not modelled: VFIO BARs and VGA/option-ROM BARs (they appear after firmware), ivshmem, s390x,
 * the address layout of non-x86 machines, CXL windows, SGX EPC above 4 GiB, machine types older than
 * QEMU 10 still knows (pc-i440fx-2.1 and older had no per-slot 1 GiB slack), vhost-net multiqueue
 * (one consumer per netdev).
 */
export { simulate, devicePlugOrder, netdevPlugOrder } from './simulate';
export { usageAfterStep } from './usage';
export {
  applyProfileOptions, defaultHostProfile, findVhostUserRule, HOST_FACT_ASSUMPTIONS, parseProfileOptions, PROFILE_VALUE_FLAGS,
  readProfileOption, resolveVhostUserLimit, vhostUserSlotCap,
} from './profile';
export type {
  HostCpuVendor, HostProfile, ProfileOptionsParse, ProfileOverrides, ProfileSource, QemuFlavor, Sourced, VhostUserBackendRule,
  VhostUserLimit,
} from './profile';
export { parseQemuVersion, formatQemuVersion, atLeast } from './version';
export type { QemuVersion } from './version';
export { decisionLimit, virtioMemMemslots, hvBalloonMemslots } from './decision';
export type { DecisionLimit, DecisionLimitInputs, MemslotSplit } from './decision';
export { SAFE_MAX_MEMSLOTS, SOFT_MEMSLOT_LIMIT } from './constants';
export { messages } from './messages';
export type {
  AddressSpaceResult, ConsumerKind, ConsumerResult, Decision, DecisionValue, EventAction, EventPhase, HotplugEvent, MemoryDeviceResult,
  ModelRef, Refusal,
  RefusalReason, Simulation, SimulationEvent, SlotTotals, UnknownBackend, VfioDmaCheck, VhostActivity,
} from './types';
export { capacity } from './capacity';
export type { Capacity, CapacityLimit } from './capacity';
