/*
 * Prints, as one JSON line, the KVM facts the memslot simulator's host profile needs:
 * the per-address-space memslot limit QEMU reads (KVM_CAP_NR_MEMSLOTS, asked on a VM fd as
 * QEMU does), whether KVM offers SMM (KVM_CAP_X86_SMM) and how many address spaces it has.
 * Built and run by test/oracle/host-profile.ts; exit status 1 when /dev/kvm cannot be used.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        printf("{\"usable\":false}\n");
        return 1;
    }
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    int target = vm >= 0 ? vm : kvm;
    int memslots = ioctl(target, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
    int address_spaces = ioctl(target, KVM_CHECK_EXTENSION, KVM_CAP_MULTI_ADDRESS_SPACE);
    int smm = ioctl(target, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM);
    printf("{\"usable\":%s,\"memslots\":%d,\"addressSpaces\":%d,\"smm\":%s}\n",
           vm >= 0 ? "true" : "false", memslots, address_spaces, smm > 0 ? "true" : "false");
    return vm >= 0 ? 0 : 1;
}
