/** The file-system path of a document URI, so the core can pick a front end by file name. */
export function documentPath(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
