import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The README's main example: virtio-mem-pci vm0 (64 GiB, dynamic-memslots=on, the whole of
 * maxmem − ram) is plugged before vhost-user-fs-pci fs0, whose backend the file's own directive
 * declares at 32 memslots. By docs/facts/virtio-mem.md#decision-limit: decision limit 256 (the device
 * fills the whole space), memslot size max(64 GiB / 256, 1 GiB minimum) = 1 GiB → 64 memslots,
 * none mapped until the guest plugs; then fs0 (32 < 509) is refused (docs/facts/memslots.md#vhost-check-a).
 */
export const scriptText = readFileSync(resolve('examples/virtio-mem-then-vhost-user-fs.sh'), 'utf8');
export const scriptLines = scriptText.split('\n');

/** The same machine as libvirt XML, with the backend limit declared in an XML directive. */
export const domainText = readFileSync(resolve('examples/libvirt-virtio-mem-virtiofs.xml'), 'utf8')
  .replace("<domain type='kvm'>", "<!-- memslot: vhost-user /tmp/vu.sock=32 -->\n<domain type='kvm'>");
export const domainLines = domainText.split('\n');

/** 0-based line of the first line containing `needle`. */
export function lineOf(lines: string[], needle: string): number {
  const line = lines.findIndex((text) => text.includes(needle));
  if (line < 0) throw new Error(`fixture has no line with ${needle}`);
  return line;
}

/** Position just after `needle` on its line. */
export function after(lines: string[], needle: string): { line: number; character: number } {
  const line = lineOf(lines, needle);
  return { line, character: lines[line].indexOf(needle) + needle.length };
}

export const wholeDocument = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };
