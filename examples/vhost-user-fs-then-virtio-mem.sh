#!/bin/bash
# The same guest as virtio-mem-then-vhost-user-fs.sh with the two devices swapped: the 32-slot
# vhost-user backend is initialised first, so virtio-mem-pci with dynamic-memslots=on sees it and
# decides on a single memslot. QEMU starts.
#
# Start the virtiofs daemon first, e.g.
#   /usr/libexec/virtiofsd --socket-path=/tmp/vu.sock --shared-dir=/srv/share &
#
# memslot: --vhost-user /tmp/vu.sock=32
set -euo pipefail

qemu-system-x86_64 \
  -name guest=fs-vmem,debug-threads=on \
  -machine q35,accel=kvm \
  -cpu host \
  -smp 4 \
  -m 4G,maxmem=68G \
  -object memory-backend-memfd,id=mem0,size=4G,share=on \
  -numa node,nodeid=0,cpus=0-3,memdev=mem0 \
  -chardev socket,id=chr0,path=/tmp/vu.sock \
  -device vhost-user-fs-pci,id=fs0,chardev=chr0,tag=shared \
  -object memory-backend-memfd,id=vmem0,size=64G,share=on,reserve=off \
  -device virtio-mem-pci,id=vm0,memdev=vmem0,node=0,requested-size=8G,dynamic-memslots=on \
  -drive file=/var/lib/images/guest.qcow2,if=virtio,format=qcow2 \
  -display none \
  -serial mon:stdio
