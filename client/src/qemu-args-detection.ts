/**
 * Whether an `.args` file is a QEMU argument file: its first word is a qemu-system binary, possibly
 * after environment assignments (libvirt's own .args files start with `LC_ALL=C \` lines).
 * No vscode import, so it is unit-testable.
 */
export function looksLikeQemuArgs(text: string): boolean {
  const head = text.slice(0, 4096).replace(/\\\r?\n/g, ' ');
  const words = head.split(/\s+/).filter((word) => word !== '');
  for (const word of words) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    if (word === 'env' || word === 'exec' || word === 'sudo') continue;
    return /^(\S*\/)?qemu-system-[A-Za-z0-9_]+$/.test(word.replace(/^['"]|['"]$/g, ''));
  }
  return false;
}
