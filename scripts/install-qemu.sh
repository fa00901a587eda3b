#!/bin/bash
# Installs QEMU 10 (qemu-system-x86 from bookworm-backports) for the oracle tests
# in test/oracle/. Idempotent; run as root on Debian 12 (bookworm).
#
#   scripts/install-qemu.sh
set -euo pipefail
. "$(dirname "$0")/backports.sh"

# qemu-utils carries qemu-img/qemu-storage-daemon; the others are what
# qemu-system-x86 needs to run without recommends (firmware, common files).
install_from_backports install-qemu.sh qemu-system-x86 qemu-system-common qemu-system-data qemu-utils

version="$(qemu-system-x86_64 --version | head -1)"
echo "$version"
case "$version" in
  *"version 10."*) ;;
  *) echo "install-qemu.sh: expected QEMU 10.x, got: $version" >&2; exit 1 ;;
esac
if [ -e /dev/kvm ]; then echo "KVM: /dev/kvm present"; else echo "KVM: /dev/kvm missing (oracle tests fall back to TCG or skip)"; fi
