#!/bin/sh
# Deliberately broken, to show memslot's front-end diagnostics: an unknown size suffix, a JSON
# option missing its closing brace, and a quote that is never closed.
qemu-system-x86_64 \
  -machine q35,accel=kvm \
  -m 4Q \
  -object '{"qom-type":"memory-backend-ram","id":"mem0","size":4294967296' \
  -device virtio-mem-pci,id=vm0,memdev=mem0,requested-size=1G \
  -drive "file=/var/lib/images/guest.qcow2,if=virtio
