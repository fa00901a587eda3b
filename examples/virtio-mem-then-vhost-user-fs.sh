#!/bin/bash
# A q35 KVM guest that grows through virtio-mem (up to 64 GiB more) and shares a host directory
# through virtiofs. Guest RAM is memfd with share=on, which vhost-user needs.
#
# Start the virtiofs daemon first, e.g.
#   /usr/libexec/virtiofsd --socket-path=/tmp/vu.sock --shared-dir=/srv/share &
# A virtiofsd built on rust-vmm vhost-user-backend < 0.13 (or libvhost-user before QEMU 9.0)
# offers 32 memslots. With such a backend QEMU refuses this order: virtio-mem-pci with
# dynamic-memslots=on decides its memslot count first, then the 32-slot backend arrives and
# would restrict it. See vhost-user-fs-then-virtio-mem.sh for the order that starts.
#
# memslot: --vhost-user /tmp/vu.sock=32
set -euo pipefail

qemu-system-x86_64 \
  -name guest=vmem-fs,debug-threads=on \
  -machine q35,accel=kvm \
  -cpu host \
  -smp 4 \
  -m 4G,maxmem=68G \
  -object memory-backend-memfd,id=mem0,size=4G,share=on \
  -numa node,nodeid=0,cpus=0-3,memdev=mem0 \
  -object memory-backend-memfd,id=vmem0,size=64G,share=on,reserve=off \
  -device virtio-mem-pci,id=vm0,memdev=vmem0,node=0,requested-size=8G,dynamic-memslots=on \
  -chardev socket,id=chr0,path=/tmp/vu.sock \
  -device vhost-user-fs-pci,id=fs0,chardev=chr0,tag=shared \
  -drive file=/var/lib/images/guest.qcow2,if=virtio,format=qcow2 \
  -display none \
  -serial mon:stdio
