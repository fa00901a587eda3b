#!/bin/bash
# Installs QEMU 10 (qemu-system-x86 from bookworm-backports) for the oracle tests
# in test/oracle/. Idempotent; run as root on Debian 12 (bookworm).
#
#   scripts/install-qemu.sh
#
# Adds deb.debian.org bookworm-backports only if no backports source exists yet,
# installs only packages that are not already at a backports version, and prints
# the QEMU version at the end.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "install-qemu.sh: run as root" >&2
  exit 1
fi
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
  echo "install-qemu.sh: warning: written for Debian 12 (bookworm), this is ${VERSION_CODENAME:-unknown}" >&2
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

# qemu-utils carries qemu-img/qemu-storage-daemon; the others are what
# qemu-system-x86 needs to run without recommends (firmware, common files).
packages=(qemu-system-x86 qemu-system-common qemu-system-data qemu-utils)
missing=()
for p in "${packages[@]}"; do
  v="$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)"
  case "$v" in *bpo12*) ;; *) missing+=("$p") ;; esac
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -t bookworm-backports "${missing[@]}"
fi

version="$(qemu-system-x86_64 --version | head -1)"
echo "$version"
case "$version" in
  *"version 10."*) ;;
  *) echo "install-qemu.sh: expected QEMU 10.x, got: $version" >&2; exit 1 ;;
esac
if [ -e /dev/kvm ]; then echo "KVM: /dev/kvm present"; else echo "KVM: /dev/kvm missing (oracle tests fall back to TCG or skip)"; fi
