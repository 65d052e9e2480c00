import { HubAccessError, HubDownloadError, HubNotFoundError, HubOfflineError } from './errors';
import type { HubSettings } from './settings';

/** What every request needs to build its URL, its headers and its error messages. */
export interface HubContext {
  readonly settings: HubSettings;
  readonly repo: string;
  /** The repository's folder in the cache, named in the offline error. */
  readonly repoDir: string;
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}`, with the revision and path segments URL-encoded. */
export function resolveUrl(ctx: HubContext, revision: string, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${ctx.settings.endpoint}/${ctx.repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/** The token goes to the hub's own origin only, never to a CDN on another host. */
export function authHeaders(ctx: HubContext, url: string): Record<string, string> {
  const { token, endpoint } = ctx.settings;
  return token && new URL(url).origin === new URL(endpoint).origin
    ? { Authorization: `Bearer ${token}` }
    : {};
}

/** fetch, with every failure to get a response (refused, DNS, timeout) turned into HubOfflineError. */
export async function hubFetch(ctx: HubContext, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const reason = failureReason(error);
    throw new HubOfflineError(
      `cannot reach ${ctx.settings.endpoint}${reason ? ` (${reason})` : ''}; ` +
        `the model is not in the Hugging Face cache at ${ctx.repoDir}`,
      error,
    );
  }
}

function failureReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const cause = error.cause as { code?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return error.name === 'TimeoutError' || error.name === 'AbortError' ? 'timed out' : undefined;
}

/**
 * Throws the typed error for a failed hub answer, using the hub's X-Error-Code header where present.
 * Returns for 2xx/3xx, and for a 404 that only says this file is missing (the caller decides if that matters).
 */
export function checkHubStatus(ctx: HubContext, response: Response, revision: string, file: string): void {
  const { status } = response;
  if (status < 400) return;
  const code = response.headers.get('x-error-code');
  const where = `${ctx.settings.endpoint}/${ctx.repo}`;
  if (code === 'RepoNotFound') {
    throw new HubNotFoundError(
      `repository ${ctx.repo} not found at ${where} (if it is private, set HF_TOKEN)`,
    );
  }
  if (code === 'RevisionNotFound')
    throw new HubNotFoundError(`revision "${revision}" not found in ${ctx.repo}`);
  if (code === 'GatedRepo') {
    throw new HubAccessError(
      `${ctx.repo} is gated: accept its conditions at ${where} and set HF_TOKEN (HTTP ${status})` +
        (ctx.settings.token ? '; the token given has no access' : ''),
    );
  }
  if (status === 401 || status === 403) {
    throw new HubAccessError(
      `access to ${ctx.repo} denied (HTTP ${status}): it is private or gated; set HF_TOKEN`,
    );
  }
  if (status === 404) return;
  throw new HubDownloadError(`${where}: HTTP ${status} for ${file}`, status);
}
