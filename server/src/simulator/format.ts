import { formatSize } from '../model/sizes';

const cache = new Map<number, string>();

/** formatSize, memoised: explanations repeat the same few sizes thousands of times in big models. */
export function size(bytes: number): string {
  let text = cache.get(bytes);
  if (text === undefined) {
    text = formatSize(bytes);
    if (cache.size > 4096) cache.clear();
    cache.set(bytes, text);
  }
  return text;
}
