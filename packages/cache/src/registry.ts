import { CachePolicyError } from './errors';
import { BlockKvCache } from './policies/block-kv';
import { DllmCache, type DllmCacheOptions } from './policies/dllm-cache';
import { NoCache } from './policies/none';
import type { CachePolicy } from './policy';

/** Options of the built-in policies, by name. */
export interface PolicyOptions {
  none: Record<string, never>;
  'dllm-cache': DllmCacheOptions;
  prefix: Record<string, never>;
  dual: Record<string, never>;
}

export type PolicyFactory = (options: object) => CachePolicy;

const factories = new Map<string, PolicyFactory>([
  ['none', () => new NoCache()],
  ['dllm-cache', (options) => new DllmCache(options)],
  ['prefix', () => new BlockKvCache('prefix')],
  ['dual', () => new BlockKvCache('dual')],
]);

/** Makes `createPolicy(name)` build your policy; a later registration replaces an earlier one. */
export function registerPolicy(name: string, factory: PolicyFactory): void {
  factories.set(name, factory);
}

export function listPolicies(): string[] {
  return [...factories.keys()];
}

/** A fresh policy by name. Every request still starts with `reset`. */
export function createPolicy<N extends keyof PolicyOptions>(name: N, options?: PolicyOptions[N]): CachePolicy;
export function createPolicy(name: string, options?: object): CachePolicy;
export function createPolicy(name: string, options: object = {}): CachePolicy {
  const factory = factories.get(name);
  if (!factory)
    throw new CachePolicyError(`unknown cache policy '${name}'; known: ${listPolicies().join(', ')}`);
  return factory(options);
}

/** A policy given by name or as an object; no policy means 'none'. */
export function resolvePolicy(policy: CachePolicy | string | undefined): CachePolicy {
  return typeof policy === 'object' ? policy : createPolicy(policy ?? 'none');
}
