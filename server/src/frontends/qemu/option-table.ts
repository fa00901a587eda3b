/**
 * Facts about QEMU's options (qemu-options.hx): which take no argument, which key an option's first
 * bare item names, which parse with keyval (no short-form booleans) and which accept JSON.
 */

/**
 * Options of QEMU 10 (qemu-system-x86_64) that take no argument, checked against the real binary
 * (test/oracle/frontend-option-arity.test.ts). `-help` and `-h` are the same option.
 */
const currentWithoutArgument = [
  'S', 's', 'h', 'help', 'version', 'nographic', 'nodefaults', 'no-user-config', 'enable-kvm', 'snapshot',
  'no-reboot', 'no-shutdown', 'daemonize', 'full-screen', 'no-fd-bootchk', 'win2k-hack', 'mem-prealloc',
  'preconfig', 'only-migratable', 'usb', 'perfmap', 'jitdump', 'enable-sync-profile', 'xen-attach',
  'xen-domid-restrict',
  // Not in x86's -help but accepted by its option parser (other targets' options).
  'semihosting', 'old-param',
];

/**
 * Options of QEMU 10 (qemu-system-x86_64) that take an argument, checked against the real binary.
 * QEMU takes the next word as the argument whatever it looks like, even `-S`.
 */
const currentWithArgument = [
  'D', 'L', 'M', 'accel', 'acpitable', 'action', 'add-fd', 'append', 'audio', 'audiodev', 'bios', 'blockdev',
  'boot', 'cdrom', 'chardev', 'compat', 'cpu', 'd', 'debugcon', 'device', 'dfilter', 'display', 'drive', 'dtb',
  'dump-vmstate', 'echr', 'fda', 'fdb', 'fsdev', 'fw_cfg', 'g', 'gdb', 'global', 'hda', 'hdb', 'hdc', 'hdd', 'icount',
  'incoming', 'initrd', 'iscsi', 'k', 'kernel', 'loadvm', 'm', 'machine', 'mem-path', 'mon', 'monitor', 'msg',
  'mtdblock', 'name', 'net', 'netdev', 'nic', 'numa', 'object', 'option-rom', 'overcommit', 'parallel', 'pflash',
  'pidfile', 'plugin', 'prom-env', 'qmp', 'qmp-pretty', 'qtest', 'qtest-log', 'readconfig', 'rtc', 'run-with',
  'sandbox', 'sd', 'seed', 'semihosting-config', 'serial', 'set', 'shim', 'smbios', 'smp', 'spice', 'tpmdev',
  'trace', 'usbdevice', 'uuid', 'vga', 'virtfs', 'vnc', 'watchdog-action', 'xen-domid',
];

/** Options removed before QEMU 10, so scripts for older QEMU still split as they did (from their docs). */
const removedWithoutArgument = [
  'no-hpet', 'no-acpi', 'curses', 'sdl', 'portrait', 'alt-grab', 'ctrl-grab', 'no-frame', 'no-quit',
  'show-cursor', 'localtime', 'std-vga', 'singlestep', 'enable-fips', 'no-kvm', 'no-kvm-irqchip', 'no-kvm-pit',
  'no-kvm-pit-reinjection', 'nodefconfig', 'rtc-td-hack', 'async-teardown', 'audio-help', 'virtfs_synth',
  'enable-nesting', 'tdf',
];
const removedWithArgument = ['rotate', 'tb-size', 'soundhw', 'watchdog', 'chroot', 'runas', 'writeconfig', 'balloon', 'pcidevice'];

/** Options QEMU 10 no longer knows (it refuses them as `invalid option`). */
export const removedOptions: ReadonlySet<string> = new Set([...removedWithoutArgument, ...removedWithArgument]);

/** What QEMU 10.0 says of an option name: undefined when it has it (`invalid option` otherwise). */
export function missingInQemu10(name: string): 'removed' | 'unknown' | undefined {
  if (removedOptions.has(name)) return 'removed';
  return takesArgument(name) === undefined ? 'unknown' : undefined;
}

/** Options without an argument; the word after them is the next option or a disk image. */
export const optionsWithoutArgument: ReadonlySet<string> = new Set([...currentWithoutArgument, ...removedWithoutArgument]);

/** Options with an argument; every one consumes the next word, even one starting with `-`. */
export const optionsWithArgument: ReadonlySet<string> = new Set([...currentWithArgument, ...removedWithArgument]);

/** Whether QEMU's option parser gives `-name` an argument; undefined for an option we do not know. */
export function takesArgument(name: string): boolean | undefined {
  if (optionsWithoutArgument.has(name)) return false;
  if (optionsWithArgument.has(name)) return true;
  return undefined;
}

/** The key a bare first item stands for (`-m 4G` is `size=4G`). */
export const impliedKeys: Readonly<Record<string, string>> = {
  m: 'size',
  device: 'driver',
  object: 'qom-type',
  netdev: 'type',
  nic: 'type',
  net: 'type',
  numa: 'type',
  tpmdev: 'type',
  chardev: 'backend',
  machine: 'type',
  M: 'type',
  accel: 'accel',
  smp: 'cpus',
  name: 'guest',
};

/**
 * Parsed with keyval: a bare item after the first is an error (`Expected '=' after parameter`).
 * `-object` is not one: QEMU 10 reads its non-JSON form with QemuOpts, so `share` means share=on
 * (with a deprecation warning).
 */
export const keyvalOptions: ReadonlySet<string> = new Set(['machine', 'M', 'blockdev']);

/** Options whose argument may be a JSON object (when it starts with `{`). */
export const jsonOptions: ReadonlySet<string> = new Set(['device', 'object', 'netdev', 'blockdev', 'audiodev', 'display', 'compat']);

/** Options that neither shape memory nor slots; recorded in `unmodelled` without comment. */
export const harmlessOptions: ReadonlySet<string> = new Set([
  'name', 'uuid', 'display', 'serial', 'parallel', 'boot', 'smp', 'rtc', 'msg', 'sandbox', 'blockdev', 'drive',
  'audiodev', 'audio', 'pidfile', 'daemonize', 'monitor', 'mon', 'qmp', 'qmp-pretty', 'vga', 'usb', 'usbdevice', 'k',
  'overcommit', 'S', 'nographic', 'nodefaults', 'no-user-config', 'no-shutdown', 'no-reboot', 'snapshot', 'vnc',
  'spice', 'add-fd', 'watchdog-action', 'action', 'kernel', 'initrd', 'append', 'dtb', 'fsdev', 'virtfs',
  'cdrom', 'hda', 'hdb', 'hdc', 'hdd', 'fda', 'fdb', 'sd', 'mtdblock', 'pflash', 'L', 'D', 'd', 'trace',
  'loadvm', 'incoming', 'icount', 'seed', 'gdb', 's', 'runas', 'chroot', 'run-with', 'tpmdev',
  'iscsi', 'fw_cfg', 'smbios', 'acpitable', 'device-help', 'semihosting-config', 'plugin', 'echr', 'debugcon',
  'full-screen', 'g', 'writeconfig', 'compat', 'set', 'iothread', 'dfilter', 'preconfig', 'only-migratable',
  'chardev-help', 'qtest', 'qtest-log', 'async-teardown', 'xen-domid', 'xen-attach', 'option-rom', 'win2k-hack',
  'no-hpet', 'no-acpi', 'no-fd-bootchk', 'watchdog', 'soundhw', 'h', 'help', 'version', 'curses', 'sdl',
]);
