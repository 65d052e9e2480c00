import { BakedWeights } from './baked-weights';
import type { SessionOptions } from './session';
import { SessionCache } from './session-cache';

/** What every op needs: the session cache and the baked-weight sessions of one backend instance. */
export interface OrtContext {
  readonly sessions: SessionCache;
  readonly weights: BakedWeights;
}

export function createContext(options: SessionOptions, bakeBudgetBytes: number): OrtContext {
  const sessions = new SessionCache(options);
  return { sessions, weights: new BakedWeights(sessions, bakeBudgetBytes) };
}
