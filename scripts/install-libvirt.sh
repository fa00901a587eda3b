#!/bin/bash
# Installs libvirt 11 (from bookworm-backports) for the libvirt oracle tests in
# test/oracle/libvirt-*.test.ts, which run `virsh domxml-to-native qemu-argv`.
# Idempotent; run as root on Debian 12 (bookworm), after scripts/install-qemu.sh
# (libvirt probes the QEMU binary it finds).
#
#   scripts/install-libvirt.sh
#
# Does not start libvirtd: there is no systemd here, and the tests start and stop
# their own daemon. Package scripts may try to start it through invoke-rc.d; without
# an init system that is refused or fails harmlessly.
set -euo pipefail
. "$(dirname "$0")/backports.sh"

# The daemon, its QEMU driver and virsh; recommends would pull in dnsmasq, firewall
# tooling and the like, which domxml-to-native does not need.
install_from_backports install-libvirt.sh libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu libvirt-daemon-common

version="$(libvirtd --version | head -1)"
echo "$version"
echo "$(virsh --version) (virsh)"
case "$version" in
  *" 11."* | *" 12."*) ;;
  *) echo "install-libvirt.sh: expected libvirt 11 or newer from bookworm-backports, got: $version" >&2; exit 1 ;;
esac
