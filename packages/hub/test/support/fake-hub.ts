import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  readonly commit: string;
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** Other branch or tag names that resolve to `commit` ("main" always does). */
  readonly refs?: readonly string[];
  /** When set, requests without `Authorization: Bearer <gatedToken>` get 401 GatedRepo. */
  readonly gatedToken?: string;
  /** A renamed repository: every request is redirected (307, relative Location) to this repository id. */
  readonly movedTo?: string;
}

export interface FakeHubFaults {
  /** File name -> cut the connection after `bytes` body bytes, on the first `times` GETs of it. */
  readonly dropAfter?: Readonly<Record<string, { readonly bytes: number; readonly times: number }>>;
  /** Files served with one byte flipped: same length, so only the sha256 check can tell. */
  readonly corrupt?: readonly string[];
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | undefined;
  readonly authorization: string | undefined;
}

export interface FakeHub {
  readonly endpoint: string;
  readonly requests: LoggedRequest[];
  close(): Promise<void>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The ETag the hub gives a file stored in git: the git blob id. */
export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Large files are LFS on the hub; here every .safetensors file is. */
function isLfs(file: string): boolean {
  return file.endsWith('.safetensors');
}

/**
 * A loopback imitation of the hub's resolve endpoint: X-Repo-Commit, ETag / X-Linked-Etag / X-Linked-Size,
 * a 302 to a CDN path on the same server for LFS files, X-Error-Code on 401/404, and Range requests.
 */
export async function startFakeHub(
  repos: Readonly<Record<string, FakeRepo>>,
  faults: FakeHubFaults = {},
): Promise<FakeHub> {
  const requests: LoggedRequest[] = [];
  const drops = new Map(Object.entries(faults.dropAfter ?? {}).map(([file, d]) => [file, { ...d }]));
  const cdn = new Map<string, { file: string; content: Uint8Array }>();
  for (const repo of Object.values(repos)) {
    for (const [file, content] of Object.entries(repo.files)) cdn.set(sha256Hex(content), { file, content });
  }

  const serveBytes = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    file: string,
    stored: Uint8Array,
  ) => {
    const content = faults.corrupt?.includes(file) ? flipOneByte(stored) : stored;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= content.length && content.length > 0) {
      res.writeHead(416, { 'Content-Range': `bytes */${content.length}` }).end();
      return;
    }
    const body = content.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'Content-Length': body.length,
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${start}-${content.length - 1}/${content.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const drop = drops.get(file);
    if (drop && drop.times > 0) {
      drop.times--;
      res.write(body.subarray(0, drop.bytes), () => res.destroy());
      return;
    }
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    const cdnMatch = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdnMatch) {
      const blob = cdn.get(cdnMatch[1]!);
      if (!blob) return void res.writeHead(404).end();
      return serveBytes(req, res, blob.file, blob.content);
    }
    const resolveMatch = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!resolveMatch) return void res.writeHead(404).end();
    const [repoId, revision, file] = resolveMatch.slice(1).map(decodeURIComponent) as [
      string,
      string,
      string,
    ];
    const repo = repos[repoId];
    if (!repo) return void hubError(res, 404, 'RepoNotFound', 'Repository not found');
    if (repo.movedTo) {
      return void res.writeHead(307, { Location: `/${repo.movedTo}/resolve/${revision}/${file}` }).end();
    }
    if (repo.gatedToken && req.headers.authorization !== `Bearer ${repo.gatedToken}`) {
      return void hubError(res, 401, 'GatedRepo', 'Access to this model is restricted');
    }
    if (revision !== 'main' && revision !== repo.commit && !repo.refs?.includes(revision)) {
      return void hubError(res, 404, 'RevisionNotFound', 'Invalid rev id');
    }
    const content = repo.files[file];
    res.setHeader('X-Repo-Commit', repo.commit);
    if (!content) return void hubError(res, 404, 'EntryNotFound', 'Entry not found');
    if (isLfs(file)) {
      const sha = sha256Hex(content);
      const origin = `http://${req.headers.host}`;
      res
        .writeHead(302, {
          Location: `${origin}/cdn/${sha}`,
          ETag: `"${gitBlobSha1(new TextEncoder().encode(`lfs pointer ${sha}`))}"`,
          'X-Linked-Etag': `"${sha}"`,
          'X-Linked-Size': content.length,
        })
        .end();
      return;
    }
    res.setHeader('ETag', `"${gitBlobSha1(content)}"`);
    serveBytes(req, res, file, content);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An endpoint on a port nothing listens on: connections are refused. */
export async function closedEndpoint(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function hubError(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'X-Error-Code': code, 'X-Error-Message': message }).end(message);
}

function flipOneByte(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[copy.length >> 1]! ^= 0xff;
  return copy;
}
