import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The reference data folder beside the repository (../shared from the repo root). */
export const SHARED_DIR = fileURLToPath(new URL('../../../../../shared', import.meta.url));

export const sharedAvailable = fs.existsSync(SHARED_DIR);

/** A describe-block title that says why it is skipped when ../shared is absent. */
export function needsShared(title: string): string {
  return sharedAvailable ? title : `${title} (skipped: reference data not found at ${SHARED_DIR})`;
}

/** The reference fixtures vendored into the repository (a copy of ../shared/fixtures). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../../test-data/fixtures', import.meta.url));
