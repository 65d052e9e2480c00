import { COMMIT_HASH } from './cache-layout';
import { HubDownloadError } from './errors';
import { authHeaders, checkHubStatus, type HubContext, hubFetch, resolveUrl } from './hub-request';

/** A file of a repository at one commit, as the hub describes it. */
export interface RemoteFile {
  readonly file: string;
  readonly commit: string;
  /** sha256 for LFS files, git sha1 otherwise; names the blob in the cache. */
  readonly etag: string;
  readonly size: number;
}

// Used as a file name in blobs/: no separators, and never "." or "..".
const ETAG = /^\w[\w.-]*$/;
const MAX_RELATIVE_REDIRECTS = 5;

/**
 * HEAD of a file's resolve URL. Follows relative redirects (renamed repositories) but not absolute ones: an LFS
 * file answers 302 to its CDN, and its sha256 and size are on that redirect (X-Linked-Etag, X-Linked-Size).
 * Undefined when the hub says the file does not exist.
 */
export async function headRemoteFile(
  ctx: HubContext,
  revision: string,
  file: string,
): Promise<RemoteFile | undefined> {
  let url = resolveUrl(ctx, revision, file);
  for (let hop = 0; ; hop++) {
    const response = await hubFetch(ctx, url, {
      method: 'HEAD',
      redirect: 'manual',
      headers: { ...authHeaders(ctx, url), 'Accept-Encoding': 'identity' },
      signal: AbortSignal.timeout(ctx.settings.timeoutMs),
    });
    checkHubStatus(ctx, response, revision, file);
    if (response.status === 404) return undefined;
    const location = response.headers.get('location');
    if (response.status >= 300 && location && isRelative(location) && hop < MAX_RELATIVE_REDIRECTS) {
      url = new URL(location, url).href;
      continue;
    }
    return describe(ctx, response, file);
  }
}

function describe(ctx: HubContext, response: Response, file: string): RemoteFile {
  const { headers } = response;
  const commit = headers.get('x-repo-commit') ?? '';
  const etag = normalizeEtag(headers.get('x-linked-etag') ?? headers.get('etag') ?? '');
  const size = Number(headers.get('x-linked-size') ?? headers.get('content-length') ?? Number.NaN);
  if (!COMMIT_HASH.test(commit) || !ETAG.test(etag) || !Number.isSafeInteger(size) || size < 0) {
    throw new HubDownloadError(
      `${ctx.settings.endpoint} answered for ${ctx.repo}/${file} without a usable X-Repo-Commit, ETag and size ` +
        `(got ${JSON.stringify(commit)}, ${JSON.stringify(etag)}, ${size}); is it a Hugging Face hub?`,
      response.status,
    );
  }
  return { file, commit, etag, size };
}

/** `W/"abc"` -> `abc`. */
function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

function isRelative(location: string): boolean {
  return !/^[a-z][a-z\d+.-]*:/i.test(location) && !location.startsWith('//');
}
