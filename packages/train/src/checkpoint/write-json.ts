import { writeFileAtomically } from '@unmask/hub';

/** Writes pretty JSON through a temporary file renamed over `path` (never a torn file). */
export function writeJsonAtomically(path: string, value: unknown): void {
  writeFileAtomically(path, [new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`)]);
}
