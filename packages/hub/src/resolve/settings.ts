import os from 'node:os';
import { join } from 'node:path';
import type { DownloadProgress } from './progress';

export interface HubOptions {
  /** Hub cache folder; default $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub (as huggingface_hub). */
  cacheDir?: string;
  /** Default $HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer`; default $HF_TOKEN. */
  token?: string;
  /** Never touch the network; default from $HF_HUB_OFFLINE. */
  offline?: boolean;
  /** Where the HF_* variables are read; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  onProgress?: (progress: DownloadProgress) => void;
  /** Attempts per file that may fail in a row, without receiving a byte, before the download gives up. Default 5. */
  retries?: number;
  /** Milliseconds without a byte from the hub before a request is abandoned. Default 30000. */
  timeoutMs?: number;
}

export interface HubSettings {
  readonly cacheDir: string;
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly offline: boolean;
  readonly retries: number;
  readonly timeoutMs: number;
}

export function hubSettings(options: HubOptions = {}): HubSettings {
  const env = options.env ?? process.env;
  return {
    cacheDir: options.cacheDir ?? defaultCacheDir(env),
    endpoint: (options.endpoint ?? (env.HF_ENDPOINT || 'https://huggingface.co')).replace(/\/+$/, ''),
    token: options.token ?? (env.HF_TOKEN || undefined),
    offline: options.offline ?? ['1', 'ON', 'YES', 'TRUE'].includes((env.HF_HUB_OFFLINE ?? '').toUpperCase()),
    retries: options.retries ?? 5,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
}

/** The cache folder huggingface_hub would use with these environment variables. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const hubCache = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  if (hubCache) return expandHome(hubCache);
  const hfHome = env.HF_HOME || join(env.XDG_CACHE_HOME || join(os.homedir(), '.cache'), 'huggingface');
  return join(expandHome(hfHome), 'hub');
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(os.homedir(), path.slice(1)) : path;
}
