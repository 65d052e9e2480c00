import type { Backend } from '../backend';

/** What every group of conformance cases gets. */
export interface SuiteContext {
  /** The backend under test, created on first use (inside a test, not at collection time). */
  backend(): Backend;
  rtol: number;
}
