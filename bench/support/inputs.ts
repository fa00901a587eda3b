import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The inputs every benchmark uses: the two typical examples shipped in examples/, and two
 * generated large ones, built here so every run measures the same text.
 */

export const typicalScriptPath = resolve('examples/virtio-mem-then-vhost-user-fs.sh');
export const typicalDomainPath = resolve('examples/libvirt-virtio-mem-virtiofs.xml');

export function typicalScript(): string {
  return readFileSync(typicalScriptPath, 'utf8');
}

export function typicalDomain(): string {
  return readFileSync(typicalDomainPath, 'utf8');
}

/**
 * A shell script with one QEMU invocation of exactly 1 000 `-device`s, of every kind memslot
 * models: 200 pc-dimm and 100 virtio-mem (each with its memory backend), 100 vhost-user-fs (each
 * with its chardev), 200 virtio-net on vhost-kernel taps, and 400 virtio-blk disks (which only
 * the front end reads). Limits are declared so the whole machine is plugged and QEMU starts:
 * the simulator and every rule walk all of it.
 */
export function largeScript(): string {
  const lines = [
    '#!/bin/sh',
    '# memslot: --vhost-user /run/vu/*.sock=509 --vhost-max-mem-regions 65535',
    'qemu-system-x86_64 \\',
    '  -machine q35,accel=kvm \\',
    '  -cpu host \\',
    '  -smp 8 \\',
    '  -m 8G,slots=256,maxmem=1T \\',
    '  -object memory-backend-memfd,id=mem0,size=8G,share=on \\',
    '  -numa node,nodeid=0,cpus=0-7,memdev=mem0 \\',
  ];
  for (let i = 0; i < 200; i++) {
    lines.push(`  -object memory-backend-memfd,id=dimmmem${i},size=1G,share=on \\`);
    lines.push(`  -device pc-dimm,id=dimm${i},memdev=dimmmem${i},node=0 \\`);
  }
  for (let i = 0; i < 100; i++) {
    lines.push(`  -object memory-backend-memfd,id=vmem${i},size=4G,share=on,reserve=off \\`);
    lines.push(`  -device virtio-mem-pci,id=vm${i},memdev=vmem${i},node=0,requested-size=1G \\`);
  }
  for (let i = 0; i < 100; i++) {
    lines.push(`  -chardev socket,id=chr${i},path=/run/vu/fs${i}.sock \\`);
    lines.push(`  -device vhost-user-fs-pci,id=fs${i},chardev=chr${i},tag=share${i} \\`);
  }
  for (let i = 0; i < 200; i++) {
    lines.push(`  -netdev tap,id=net${i},vhost=on \\`);
    lines.push(`  -device virtio-net-pci,id=nic${i},netdev=net${i},mac=52:54:00:00:${hex2(i >> 8)}:${hex2(i & 0xff)} \\`);
  }
  for (let i = 0; i < 400; i++) {
    lines.push(`  -drive file=/var/lib/images/disk${i}.qcow2,if=none,id=drive${i},format=qcow2 \\`);
    lines.push(`  -device virtio-blk-pci,id=blk${i},drive=drive${i} \\`);
  }
  lines.push('  -display none');
  return `${lines.join('\n')}\n`;
}

export const largeScriptDevices = 1000;

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** `vda`, `vdb`, …, `vdz`, `vdaa`, …: libvirt's disk target names. */
function diskName(index: number): string {
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `vd${name}`;
}

/**
 * A libvirt domain of at least `targetLines` lines, valid against libvirt's RelaxNG schema: 200
 * DIMMs, 50 virtio-mem devices, 100 virtiofs shares, 100 vhost-user NICs, and as many disks as
 * it takes to reach the line count (disks are what makes real domains long).
 */
export function largeDomain(targetLines = 20_000): string {
  const GiB = 1024 * 1024; // in KiB
  const dimms = 200;
  const virtioMems = 50;
  const head = [
    '<domain type=\'kvm\'>',
    '  <!-- memslot: vhost-user /run/vu/*.sock=509 -->',
    '  <name>large</name>',
    '  <uuid>6f0e3c1a-2b4d-4c8e-9a7f-1d2e3f4a5b6c</uuid>',
    `  <maxMemory slots='256' unit='KiB'>${(8 + dimms + 4 * virtioMems) * GiB}</maxMemory>`,
    `  <memory unit='KiB'>${(8 + dimms + 4 * virtioMems) * GiB}</memory>`,
    `  <currentMemory unit='KiB'>${(8 + dimms + virtioMems) * GiB}</currentMemory>`,
    '  <memoryBacking>',
    '    <source type=\'memfd\'/>',
    '    <access mode=\'shared\'/>',
    '  </memoryBacking>',
    '  <vcpu placement=\'static\'>8</vcpu>',
    '  <os>',
    '    <type arch=\'x86_64\' machine=\'q35\'>hvm</type>',
    '  </os>',
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    '  <cpu mode=\'host-passthrough\' check=\'none\'>',
    '    <numa>',
    `      <cell id='0' cpus='0-7' memory='${8 * GiB}' unit='KiB' memAccess='shared'/>`,
    '    </numa>',
    '  </cpu>',
    '  <devices>',
    '    <emulator>/usr/bin/qemu-system-x86_64</emulator>',
  ];
  const body: string[] = [];
  for (let i = 0; i < dimms; i++) {
    body.push(
      '    <memory model=\'dimm\'>',
      '      <target>',
      `        <size unit='KiB'>${GiB}</size>`,
      '        <node>0</node>',
      '      </target>',
      '    </memory>',
    );
  }
  for (let i = 0; i < virtioMems; i++) {
    body.push(
      '    <memory model=\'virtio-mem\'>',
      '      <target>',
      `        <size unit='KiB'>${4 * GiB}</size>`,
      '        <node>0</node>',
      '        <block unit=\'KiB\'>2048</block>',
      `        <requested unit='KiB'>${GiB}</requested>`,
      '      </target>',
      '    </memory>',
    );
  }
  for (let i = 0; i < 100; i++) {
    body.push(
      '    <filesystem type=\'mount\'>',
      '      <driver type=\'virtiofs\' queue=\'1024\'/>',
      `      <source socket='/run/vu/fs${i}.sock'/>`,
      `      <target dir='share${i}'/>`,
      '    </filesystem>',
    );
  }
  for (let i = 0; i < 100; i++) {
    body.push(
      '    <interface type=\'vhostuser\'>',
      `      <mac address='52:54:00:01:${hex2(i >> 8)}:${hex2(i & 0xff)}'/>`,
      `      <source type='unix' path='/run/vu/net${i}.sock' mode='client'/>`,
      '      <model type=\'virtio\'/>',
      '    </interface>',
    );
  }
  const tail = ['    <memballoon model=\'none\'/>', '  </devices>', '</domain>'];
  for (let i = 0; head.length + body.length + tail.length < targetLines; i++) {
    body.push(
      '    <disk type=\'file\' device=\'disk\'>',
      '      <driver name=\'qemu\' type=\'qcow2\'/>',
      `      <source file='/var/lib/libvirt/images/large-${i}.qcow2'/>`,
      `      <target dev='${diskName(i)}' bus='virtio'/>`,
      '    </disk>',
    );
  }
  return `${[...head, ...body, ...tail].join('\n')}\n`;
}
