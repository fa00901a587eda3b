/**
 * Messages are built from pieces, some of them explanations the simulator wrote mid-sentence
 * ("the fullest vhost back-end has …"). These keep every sentence starting upper-case and ending
 * with one full stop, so the pieces can be joined without checking each by hand.
 */

/** `text` as a sentence: first letter upper-case, ending with `.`, `!` or `?` (a full stop is added). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  // Only a leading word (after an opening quote or parenthesis): "12 regions" stays as it is, and so
  // does an identifier such as "virtio-mem-pci 'vm0'" or "dynamic-memslots=on", whose case matters.
  const identifier = /^["'(]?[^\s]*[-_=.\d]/.test(trimmed.split(/\s/)[0] ?? '');
  const capital = identifier ? trimmed : trimmed.replace(/^(["'(]?)(\p{Ll})/u, (_, lead: string, letter: string) => lead + letter.toUpperCase());
  return /[.!?]["')]?$/.test(capital) ? capital : `${capital}.`;
}

/** Sentences joined by a space; empty or missing parts are left out. */
export function sentences(...parts: Array<string | null | undefined>): string {
  return parts.map((part) => sentence(part ?? '')).filter((part) => part !== '').join(' ');
}
