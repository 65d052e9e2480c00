export { CachePolicyError } from './errors';
export { countingBackend, opFlops } from './flops';
export { FlopMeter, type FlopTally } from './meter';
export { BlockKvCache } from './policies/block-kv';
export {
  DllmCache,
  type DllmCacheBranch,
  type DllmCacheLayerTrace,
  type DllmCacheOptions,
  type DllmCacheTrace,
} from './policies/dllm-cache';
export { NoCache } from './policies/none';
export type { CachePolicy, CacheRequest, RowRange, StepContext, Stream } from './policy';
export {
  createPolicy,
  listPolicies,
  type PolicyFactory,
  type PolicyOptions,
  registerPolicy,
  resolvePolicy,
} from './registry';
export {
  checkCall,
  flatHeads,
  type HeadMajor,
  headLogits,
  readHeadRows,
  readRows,
  rowTensor,
  sliceIds,
  span,
  splitHeads,
  writeHeadRows,
  writeRows,
} from './rows';
