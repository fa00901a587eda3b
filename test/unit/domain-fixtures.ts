/**
 * Domain XML shared by tests: a q35 guest with shared memory, a virtiofs filesystem on an external
 * socket (/run/virtiofsd/share.sock) and a 32 GiB virtio-mem device in NUMA node 0. The filesystem
 * comes first in the XML, yet libvirt emits the memory device first: the MS001 order.
 * `targetAttributes` is written into the virtio-mem <target> start tag (e.g. " dynamicMemslots='yes'").
 */
export const virtioMemVirtiofsDomain = (targetAttributes: string): string => `<domain type='kvm'>
  <name>guest</name>
  <maxMemory unit='GiB'>64</maxMemory>
  <memory unit='GiB'>2</memory>
  <memoryBacking><access mode='shared'/></memoryBacking>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0-1' memory='2' unit='GiB'/></numa></cpu>
  <devices>
    <filesystem type='mount'>
      <driver type='virtiofs'/>
      <source socket='/run/virtiofsd/share.sock'/>
      <target dir='share'/>
    </filesystem>
    <memory model='virtio-mem'>
      <target${targetAttributes}>
        <size unit='GiB'>32</size>
        <node>0</node>
        <block unit='MiB'>2</block>
        <requested unit='GiB'>1</requested>
      </target>
    </memory>
  </devices>
</domain>
`;
