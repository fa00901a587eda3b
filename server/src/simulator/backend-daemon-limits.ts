import type { BackendProgram, StartedBackend } from '../model/machine';
import { applyProfileOptions, type HostProfile, type VhostUserLimit } from './profile';
import { atLeast, formatQemuVersion, type QemuVersion } from './version';

/**
 * How many memslots each back-end program offers QEMU (its answer to VHOST_USER_GET_MAX_MEM_SLOTS,
 * or 8 without VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS). The table is documented, with its
 * sources, in docs/backend-daemons.md; keep the two in step.
 */
export interface BackendProgramLimit {
  limit: VhostUserLimit;
  /** Why, in a few words, for the hover: the library and the constant. */
  why: string;
}

export function backendProgramLimit(program: BackendProgram, qemuVersion: QemuVersion): BackendProgramLimit {
  switch (program) {
    case 'virtiofsd':
    case 'vhost-device':
      return { limit: 509, why: 'rust-vmm vhost-user-backend 0.13+ reports 509 (MAX_MEM_SLOTS); builds on older versions report 32' };
    case 'qemu-storage-daemon':
    case 'qemu-vhost-user':
      // libvhost-user comes with QEMU: the daemon is as old as the QEMU of the host profile.
      return atLeast(qemuVersion, 9, 0)
        ? { limit: 509, why: `libvhost-user of QEMU ${formatQemuVersion(qemuVersion)} reports 509 (VHOST_USER_MAX_RAM_SLOTS, 509 since QEMU 9.0)` }
        : { limit: 32, why: `libvhost-user of QEMU ${formatQemuVersion(qemuVersion)} reports 32 (VHOST_USER_MAX_RAM_SLOTS, 32 before QEMU 9.0)` };
    case 'spdk-vhost':
    case 'dpdk-testpmd':
    case 'ovs-dpdk':
      return { limit: 'no-configure-mem-slots', why: "DPDK's vhost library has no CONFIGURE_MEM_SLOTS: QEMU allows 8 regions" };
  }
}

/**
 * The profile with a rule per back-end the script starts (source 'script'), below the file's
 * directives and above settings and CLI flags. `qemuVersion`: the file's QEMU, for programs that
 * come with QEMU.
 */
export function profileWithStartedBackends(base: HostProfile, started: readonly StartedBackend[], qemuVersion: QemuVersion): HostProfile {
  let profile = base;
  for (const backend of started) {
    const { limit, why } = backendProgramLimit(backend.program, qemuVersion);
    const pattern = backend.directory ? `${backend.socket}/*` : backend.socket;
    const origin = `${backend.command} started on line ${backend.range.start.line + 1}: ${why}`;
    profile = applyProfileOptions(profile, { vhostUserBackends: [{ pattern, limit }] }, 'script', origin);
  }
  return profile;
}
