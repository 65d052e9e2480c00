/**
 * True for a plain relative file path inside a folder ("a.json", "sub/a.json"): no absolute paths, no "..",
 * no backslashes. Names from an index file or a server are checked with this before they touch the disk.
 */
export function isSafeRelativePath(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
