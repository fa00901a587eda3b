/**
 * The text of a file read from disk: UTF-8 (the usual case, with or without a byte-order mark),
 * or UTF-16 in either byte order, recognised by its byte-order mark or, for XML without one, by
 * the zero byte beside the opening `<` (XML 1.0 appendix F). Invalid UTF-8 becomes U+FFFD.
 */
export function decodeText(bytes: Uint8Array): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0x3c && b1 === 0x00)) return new TextDecoder('utf-16le').decode(bytes);
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0x00 && b1 === 0x3c)) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}
