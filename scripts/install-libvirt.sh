#!/bin/bash
# Installs libvirt 11 (from bookworm-backports) for the libvirt oracle tests in
# test/oracle/libvirt-*.test.ts, which run `virsh domxml-to-native qemu-argv`.
# Idempotent; run as root on Debian 12 (bookworm), after scripts/install-qemu.sh
# (libvirt probes the QEMU binary it finds).
#
#   scripts/install-libvirt.sh
#
# Does not start libvirtd: there is no systemd here, and the tests start and stop
# their own daemon.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "install-libvirt.sh: run as root" >&2
  exit 1
fi
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
  echo "install-libvirt.sh: warning: written for Debian 12 (bookworm), this is ${VERSION_CODENAME:-unknown}" >&2
fi
export DEBIAN_FRONTEND=noninteractive

has_backports() {
  grep -rqsE '^deb .*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
  grep -rqsE '^Suites:.*bookworm-backports' /etc/apt/sources.list.d/ && return 0
  return 1
}
if ! has_backports; then
  echo 'deb http://deb.debian.org/debian bookworm-backports main' \
    > /etc/apt/sources.list.d/bookworm-backports.list
fi

# The daemon, its QEMU driver and virsh; recommends would pull in dnsmasq, firewall
# tooling and the like, which domxml-to-native does not need.
packages=(libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu libvirt-daemon-common)
missing=()
for p in "${packages[@]}"; do
  v="$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)"
  case "$v" in *bpo12*) ;; *) missing+=("$p") ;; esac
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  # Package scripts may try to start the daemon through invoke-rc.d; without an init system
  # that is refused or fails harmlessly, and the tests start their own.
  apt-get install -y -qq --no-install-recommends -t bookworm-backports "${missing[@]}"
fi

version="$(libvirtd --version | head -1)"
echo "$version"
echo "$(virsh --version) (virsh)"
case "$version" in
  *" 11."* | *" 12."*) ;;
  *) echo "install-libvirt.sh: expected libvirt 11 or newer from bookworm-backports, got: $version" >&2; exit 1 ;;
esac
