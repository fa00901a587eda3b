import type { Random } from './random';

/**
 * Structure-aware inputs for both front ends: not characters flipped at random (the robustness
 * tests do that) but the constructs that make readers and matchers slow or confused when repeated
 * or nested: many comments, long attribute lists, deep nesting, long runs of one character, globs
 * and directives, huge numbers, many devices, and CR/CRLF/BOM/NUL/invalid UTF-8 around them.
 */

export interface FuzzInput {
  text: string;
  hint: { path: string };
  /** What the generator built, for the failure message. */
  recipe: string;
}

const maxLength = 300_000;

const sizes = ['1G', '512M', '0', '1', '0x400', '1.5G', '18446744073709551616', '99999999999999999999999G', '-1G', '1T', '8E', '', 'G', '1Q'];
const ids = ['m0', 'm1', 'd0', 'vm0', 'fs0', 'c0', 'n0', '', 'x'.repeat(300), 'a,b', 'ü'];

function glob(random: Random): string {
  const n = random.small();
  return random.pick([
    () => `${'*a'.repeat(n)}b`,
    () => `/run/${'*'.repeat(n)}.sock`,
    () => `/run/[${'a-z'.repeat(n)}].sock`,
    () => '/run/[z-a].sock',
    () => `/run/[${'!'.repeat(n)}`,
    () => `${'**/'.repeat(n)}x.sock`,
    () => `/run/${'?'.repeat(n)}`,
    () => `${'\\'.repeat(n)}`,
    () => `/run/vu${random.int(10)}.sock`,
    () => 'a'.repeat(n * 10),
  ])();
}

function limit(random: Random): string {
  return random.pick(['32', '8', '509', 'nocfg', '0', '99999999999999999999', '-1', 'x', '']);
}

function directiveBody(random: Random, dashes: string): string {
  return random.pick([
    () => `${dashes}vhost-user '${glob(random)}=${limit(random)}'`,
    () => `${dashes}vhost-user ${glob(random)}=${limit(random)}`,
    () => `${dashes}qemu ${random.pick(['9.2', '10.0', '8.1', '99', '1.2.3.4', ''])}`,
    () => `${dashes}kvm-memslots ${random.pick(['509', '0', '4294967296', 'many'])}`,
    () => `${dashes}vhost-user-unknown ${limit(random)}`,
    () => `disable ${random.pick(['MS001', 'MS012', 'MS999', 'MSX', ''])} for ${random.pick(['*', 'fs0', '', 'a,b,,c'])}`,
    () => `${dashes}smm ${random.pick(['on', 'off', 'maybe'])}`,
    () => '',
    () => `"${'x'.repeat(random.small())}`,
  ])();
}

function qemuOption(random: Random, index: number): string {
  const id = random.chance(0.7) ? `${random.pick(['m', 'd', 'vm', 'fs', 'c', 'n'])}${index % 50}` : random.pick(ids);
  const size = random.pick(sizes);
  return random.pick([
    () => `-m ${size}${random.chance(0.5) ? `,slots=${random.pick(['0', '4', '256', '999999'])},maxmem=${random.pick(sizes)}` : ''}`,
    () => `-object memory-backend-${random.pick(['ram', 'memfd', 'file'])},id=${id},size=${size}${random.chance(0.5) ? ',share=on' : ''}`,
    () => `-device pc-dimm,id=${id},memdev=${random.pick(ids)}`,
    () => `-device virtio-mem-pci,id=${id},memdev=${random.pick(ids)},requested-size=${size}${random.chance(0.5) ? ',dynamic-memslots=on' : ''}`,
    () => `-chardev socket,id=${id},path=/run/${random.chance(0.5) ? 'a'.repeat(random.small()) : `vu${index}.sock`}`,
    () => `-device vhost-user-fs-pci,id=fs${index},chardev=${random.pick(ids)},tag=t`,
    () => `-netdev tap,id=${id},vhost=on -device virtio-net-pci,netdev=${id}`,
    () => `-numa node,memdev=${random.pick(ids)}`,
    () => `-object '{"qom-type":"memory-backend-ram","id":"${id}","size":${random.pick(['1073741824', '1e400', '18446744073709551616', '"x"', '[]', '{'])}}'`,
    () => `-device '${'{'.repeat(random.small())}'`,
    () => `-machine ${random.pick(['q35', 'pc', 'pc-q35-2.0', 'virt', 'none'])}${random.chance(0.3) ? ',accel=kvm' : ''}`,
    () => `-global virtio-mem.dynamic-memslots=${random.pick(['on', 'off', 'x'])}`,
    () => `-device ${'virtio-net-pci,'.repeat(random.small())}`,
    () => `$${random.pick(['X', '{A[@]}', '(echo hi)', '{X:-1G}', '{'])}`,
    () => `-device pc-dimm,${Array.from({ length: random.small() }, (_, i) => `p${i}=${i}`).join(',')}`,
    () => `"${random.pick(['-m', '-device'])} ${','.repeat(random.small())}"`,
    () => random.pick(['\\', '"', "'", '`', '$(', '{', '#', ';', '&&', '|']).repeat(random.small()),
  ])();
}

export function qemuDocument(random: Random): FuzzInput {
  const lines: string[] = [];
  const recipe: string[] = [];
  if (random.chance(0.5)) lines.push('#!/bin/bash');
  const comments = random.chance(0.3) ? random.count() : 0;
  for (let i = 0; i < comments; i++) lines.push(`# comment ${i} ${'#'.repeat(i % 7)}`);
  if (comments) recipe.push(`${comments} comments`);
  const directives = random.chance(0.6) ? random.count() : 0;
  for (let i = 0; i < directives; i++) lines.push(`# memslot: ${directiveBody(random, '--')}`);
  if (directives) recipe.push(`${directives} directives`);
  const options = random.count() * (random.chance(0.2) ? 4 : 1);
  recipe.push(`${options} options`);
  lines.push(`${random.pick(['qemu-system-x86_64', '/usr/bin/qemu-system-x86_64', 'exec qemu-system-aarch64', 'sudo qemu-system-x86_64', 'qemu-kvm'])} \\`);
  for (let i = 0; i < options; i++) lines.push(`  ${qemuOption(random, i)}${random.chance(0.95) ? ' \\' : ''}`);
  lines.push('  -display none');
  const path = random.pick(['vm.sh', 'vm.qemu', 'vm.args', 'launch.bash']);
  return finish(random, lines.join('\n'), path, `qemu: ${recipe.join(', ')}`);
}

function xmlDevice(random: Random, index: number): string {
  const size = random.pick(['1048576', '0', '18446744073709551616', '99999999999999999999999', '-5', '1e9', '', 'x']);
  return random.pick([
    () => `<memory model='dimm'><target><size unit='KiB'>${size}</size><node>0</node></target></memory>`,
    () => `<memory model='virtio-mem'><target><size unit='${random.pick(['KiB', 'GiB', 'EiB', 'x'])}'>${size}</size><block unit='KiB'>2048</block><requested unit='KiB'>0</requested></target></memory>`,
    () => `<filesystem type='mount'><driver type='virtiofs'/><source socket='/run/vfsd${index}.sock'/><target dir='t${index}'/></filesystem>`,
    () => `<interface type='vhostuser'><source type='unix' path='/run/vu${index}.sock' mode='client'/><model type='virtio'/></interface>`,
    () => `<disk type='file'><source file='/x${index}'/><target dev='vd${index}'/></disk>`,
    () => `<memory ${Array.from({ length: random.small() }, (_, i) => `a${i}='${i}'`).join(' ')}/>`,
    () => `${'<x>'.repeat(random.small())}`,
    () => `<memory model='dimm'>${'&amp;&lt;&#x110000;&bogus;&'.repeat(random.small())}</memory>`,
    () => `<![CDATA[${']'.repeat(random.small())}`,
    () => `<!-- ${'-'.repeat(random.small())} -->`,
    () => `<memory model='${"'".repeat(random.small())}`,
  ])();
}

export function xmlDocument(random: Random): FuzzInput {
  const parts: string[] = [];
  const recipe: string[] = [];
  if (random.chance(0.7)) parts.push(random.pick(['<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml', '<?pi data?>']));
  const comments = random.chance(0.5) ? random.count() : 0;
  for (let i = 0; i < comments; i++) parts.push(`<!-- Licensed under the Apache License, line ${i} -->`);
  if (comments) recipe.push(`${comments} header comments`);
  if (random.chance(0.2)) {
    parts.push(random.pick([
      '<!DOCTYPE domain SYSTEM "file:///etc/passwd">',
      '<!DOCTYPE domain [<!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY big "&xxe;&xxe;">]>',
      `<!DOCTYPE domain [${'<!ENTITY a "b">'.repeat(random.count())}`,
    ]));
    recipe.push('DOCTYPE');
  }
  const directives = random.chance(0.5) ? random.count() : 0;
  for (let i = 0; i < directives; i++) parts.push(`<!-- memslot: ${directiveBody(random, random.chance(0.1) ? '--' : '')} -->`);
  if (directives) recipe.push(`${directives} directives`);
  parts.push(`<domain type='kvm'><name>f</name>`);
  parts.push(`<maxMemory slots='${random.pick(['16', '0', '999999', 'x'])}' unit='KiB'>${random.pick(['536870912', '18446744073709551616', ''])}</maxMemory>`);
  parts.push(`<memory unit='KiB'>${random.pick(['4194304', '0', '99999999999999999999'])}</memory>`);
  if (random.chance(0.6)) parts.push("<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>");
  if (random.chance(0.7)) parts.push("<cpu><numa><cell id='0' cpus='0-1' memory='4194304' unit='KiB'/></numa></cpu>");
  const devices = random.count() * (random.chance(0.2) ? 4 : 1);
  recipe.push(`${devices} devices`);
  parts.push('<devices>');
  for (let i = 0; i < devices; i++) parts.push(xmlDevice(random, i));
  if (random.chance(0.9)) parts.push('</devices></domain>');
  return finish(random, parts.join('\n'), random.pick(['vm.xml', 'domain.xml']), `xml: ${recipe.join(', ')}`);
}

/** Line endings, a BOM, NULs, invalid UTF-8 (as a decoder gives it: U+FFFD and lone surrogates), long runs. */
function finish(random: Random, text: string, path: string, recipe: string): FuzzInput {
  const steps: string[] = [];
  let out = text;
  if (random.chance(0.25)) {
    const ending = random.pick(['\r\n', '\r', '\n\r']);
    out = out.replace(/\n/g, ending);
    steps.push(`line endings ${JSON.stringify(ending)}`);
  }
  if (random.chance(0.15)) {
    out = `\uFEFF${out}`;
    steps.push('BOM');
  }
  const edits = random.chance(0.4) ? 1 + random.int(4) : 0;
  for (let i = 0; i < edits; i++) {
    const at = random.int(out.length + 1);
    const insert = random.pick(['\0', '\uFFFD', '\uD800', '\uDC00x', '\r', '\u2028', 'a'.repeat(random.small() * 10), ' '.repeat(random.small() * 10), '\\\n'.repeat(random.small())]);
    out = out.slice(0, at) + insert + out.slice(at);
    steps.push(`insert ${JSON.stringify(insert.slice(0, 8))}${insert.length > 8 ? `×${insert.length}` : ''} at ${at}`);
  }
  // Inputs stay below a size the run can afford many of; long repetitions are what matter, not megabytes.
  if (out.length > maxLength) {
    out = out.slice(0, maxLength);
    steps.push(`cut at ${maxLength}`);
  }
  return { text: out, hint: { path }, recipe: [recipe, ...steps].join('; ') };
}
