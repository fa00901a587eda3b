/**
 * Inputs whose size is a parameter, for the paths off the happy path that once grew faster than
 * linearly: refused machines (DIMMs that do not fit), undeclared vhost-user back-ends, many
 * directive lines, XML licence headers, backtracking globs. bench/scaling.bench.ts times them at
 * several sizes; test/fuzz uses them as seeds.
 */

/** `count` pc-dimms of 1 GiB with no maxmem and no slots: QEMU refuses the first (MS005/MS006). */
export function refusedDimms(count: number): string {
  const lines = ['qemu-system-x86_64 \\', '  -machine q35 -m 4G \\'];
  for (let i = 0; i < count; i++) {
    lines.push(`  -object memory-backend-ram,id=dm${i},size=1G \\`, `  -device pc-dimm,id=dimm${i},memdev=dm${i} \\`);
  }
  lines.push('  -display none');
  return `${lines.join('\n')}\n`;
}

/** A dynamic virtio-mem, then `count` vhost-user-fs back-ends nobody declared (MS012 on each). */
export function undeclaredBackends(count: number): string {
  const lines = [
    'qemu-system-x86_64 \\',
    '  -machine q35 -m 4G,maxmem=256G \\',
    '  -object memory-backend-memfd,id=mem0,size=4G,share=on \\',
    '  -numa node,memdev=mem0 \\',
    '  -object memory-backend-memfd,id=vmem0,size=64G,share=on \\',
    '  -device virtio-mem-pci,id=vm0,memdev=vmem0,dynamic-memslots=on \\',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(`  -chardev socket,id=chr${i},path=/run/vu/fs${i}.sock \\`, `  -device vhost-user-fs-pci,id=fs${i},chardev=chr${i},tag=t${i} \\`);
  }
  lines.push('  -display none');
  return `${lines.join('\n')}\n`;
}

/** `count` directive lines declaring back-ends, then a small machine using a few of them. */
export function manyDirectives(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`# memslot: --vhost-user /run/vu/d${i}.sock=${(i % 500) + 8}`);
  lines.push('qemu-system-x86_64 -m 4G \\', '  -object memory-backend-memfd,id=mem0,size=4G,share=on -numa node,memdev=mem0 \\');
  for (let i = 0; i < 10; i++) lines.push(`  -chardev socket,id=chr${i},path=/run/vu/d${i * 7}.sock -device vhost-user-fs-pci,id=fs${i},chardev=chr${i},tag=t${i} \\`);
  lines.push('  -display none');
  return `${lines.join('\n')}\n`;
}

/** An XML file (a Maven pom) opening with a licence header of `comments` comment lines. */
export function licenceHeaderXml(comments: number, root = 'project'): string {
  const header = Array.from({ length: comments }, (_, i) => `<!-- Licensed under the Apache License, line ${i} -->`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${header.join('\n')}\n<${root}>\n  <modelVersion>4.0.0</modelVersion>\n</${root}>\n`;
}

/** A domain whose `cells` guest NUMA cells each name every vCPU libvirt allows (refused: overlapping, too many vCPUs). */
export function overlappingNumaCells(cells: number): string {
  const cell = (id: number): string => `    <cell id='${id}' cpus='0-16383' memory='1' unit='GiB'/>`;
  return [
    "<domain type='kvm'>",
    '  <name>bench</name>',
    `  <memory unit='GiB'>${cells}</memory>`,
    '  <vcpu>16384</vcpu>',
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>",
    '  <cpu><numa>',
    ...Array.from({ length: cells }, (_, id) => cell(id)),
    '  </numa></cpu>',
    '</domain>',
    '',
  ].join('\n');
}

/** A directive glob `*a*a*…*b` of `stars` stars against a socket path of a's that never ends in b. */
export function backtrackingGlob(stars: number): string {
  const glob = `${'*a'.repeat(stars)}b`;
  return [
    `# memslot: --vhost-user '${glob}=32'`,
    'qemu-system-x86_64 -m 4G \\',
    '  -object memory-backend-memfd,id=mem0,size=4G,share=on -numa node,memdev=mem0 \\',
    `  -chardev socket,id=chr0,path=/run/${'a'.repeat(60)} \\`,
    '  -device vhost-user-fs-pci,id=fs0,chardev=chr0,tag=t0',
    '',
  ].join('\n');
}
