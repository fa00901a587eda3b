/**
 * Facts about QEMU's options (qemu-options.hx): which take no argument, which key an option's first
 * bare item names, which parse with keyval (no short-form booleans) and which accept JSON.
 */

/** Options without an argument; every other option consumes the next word, even one starting with `-`. */
export const optionsWithoutArgument: ReadonlySet<string> = new Set([
  'S', 's', 'h', 'help', 'version', 'nographic', 'nodefaults', 'no-user-config', 'nodefconfig',
  'enable-kvm', 'no-kvm', 'snapshot', 'no-reboot', 'no-shutdown', 'daemonize', 'full-screen',
  'no-fd-bootchk', 'no-hpet', 'no-acpi', 'win2k-hack', 'no-quit', 'mem-prealloc', 'preconfig',
  'only-migratable', 'curses', 'portrait', 'alt-grab', 'ctrl-grab', 'no-frame', 'sdl', 'semihosting',
  'enable-fips', 'xen-attach', 'xen-domid-restrict', 'singlestep', 'usb', 'audio-help', 'async-teardown',
  'perfmap', 'jitdump', 'enable-sync-profile', 'rtc-td-hack', 'no-kvm-irqchip', 'no-kvm-pit',
  'no-kvm-pit-reinjection', 'enable-nesting', 'show-cursor', 'localtime', 'std-vga', 'old-param',
  'nouserconfig', 'no-graphic', 'shell', 'tdf', 'no-user-configs', 'vhost-user-stubs',
]);

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

/** Parsed with keyval: a bare item after the first is an error (`Expected '=' after parameter`). */
export const keyvalOptions: ReadonlySet<string> = new Set(['machine', 'M', 'object', 'blockdev']);

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
