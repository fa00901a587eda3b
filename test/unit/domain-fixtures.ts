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
  <vcpu>2</vcpu>
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

/**
 * A q35 guest with 1 GiB in its one NUMA cell (3 GiB written in <memory>, which the cell overrides)
 * and the memory devices given; `maxMemory` is its <maxMemory> line, or ''. Used by the fixes for
 * libvirt's refusals that <maxMemory> answers, and by the libvirt oracle that checks them.
 */
export const limitsDomain = (maxMemory: string, devices: string): string => `<domain type='kvm'>
  <name>guest</name>
${maxMemory}  <memory unit='GiB'>3</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <cpu><numa><cell id='0' cpus='0-1' memory='1' unit='GiB'/></numa></cpu>
  <devices>
${devices}  </devices>
</domain>
`;
export const dimm = "    <memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>\n";
export const virtioMem = "    <memory model='virtio-mem'><target><size unit='GiB'>4</size><node>0</node>"
  + "<block unit='MiB'>2</block><requested unit='GiB'>1</requested></target></memory>\n";

/** Domains libvirt refuses for want of <maxMemory> or its slots. */
export const limitsRefused = {
  slotsAndSpace: limitsDomain("  <maxMemory slots='1' unit='GiB'>2</maxMemory>\n", dimm + dimm),
  slots: limitsDomain("  <maxMemory slots='1' unit='GiB'>8</maxMemory>\n", dimm + dimm),
  noMaxMemory: limitsDomain('', virtioMem),
  virtioMemOverMax: limitsDomain("  <maxMemory unit='GiB'>4</maxMemory>\n", virtioMem),
};

/**
 * A q35 guest whose NUMA cells name the vCPUs in `cpus` (1 GiB each, ids in order); `vcpu` is its
 * <vcpu> line, or '' for none (libvirt then counts 1).
 */
export const numaCpusDomain = (vcpu: string, cpus: string[]): string => `<domain type='kvm'>
  <name>guest</name>
  <memory unit='GiB'>${cpus.length}</memory>
${vcpu}  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu><numa>${cpus.map((c, id) => `<cell id='${id}' cpus='${c}' memory='1' unit='GiB'/>`).join('')}</numa></cpu>
</domain>
`;

/** Domains real libvirt 11.3 refuses for their cells' vCPUs, with the message it gives (virsh domxml-to-native). */
export const numaCpusRefused = {
  noVcpu: { text: numaCpusDomain('', ['0-1']), message: 'internal error: Number of CPUs in <numa> exceeds the <vcpu> count' },
  idBeyondVcpu: { text: numaCpusDomain('  <vcpu>2</vcpu>\n', ['0,3']), message: 'internal error: CPU IDs in <numa> exceed the <vcpu> count' },
  overlapping: {
    text: numaCpusDomain('  <vcpu>4</vcpu>\n', ['0-1', '1-2']),
    message: 'unsupported configuration: NUMA cells 1 and 0 have overlapping vCPU ids',
  },
  badBitmap: { text: numaCpusDomain('  <vcpu>4</vcpu>\n', ['0-']), message: "invalid argument: Failed to parse bitmap '0-'" },
};
