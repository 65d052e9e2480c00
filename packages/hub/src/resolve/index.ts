export {
  HubAccessError,
  HubDownloadError,
  HubError,
  HubIntegrityError,
  HubNotFoundError,
  HubOfflineError,
  ModelNotFoundError,
} from './errors';
export type { DownloadProgress } from './progress';
export { parseRepoSpec, type RepoSpec } from './repo-spec';
export { type ResolvedModel, resolveModel } from './resolve-model';
export type { HubOptions } from './settings';
export { defaultCacheDir } from './settings';
