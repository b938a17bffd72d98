import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A file's content: text, bytes, or read from a local directory. */
export type HubFiles = Readonly<Record<string, string | Uint8Array>> | string;

/** A repo the loopback Hub serves. */
export interface HubRepoSpec {
  /** `org/name`. */
  readonly id: string;
  /** Branches and tags, each with its files (a map of name to content, or a directory to read). */
  readonly revisions: Readonly<Record<string, HubFiles>>;
  /** Serve it only to `Authorization: Bearer <token>` (else 401, as the Hub hides private repos). */
  readonly token?: string;
}

/** One request the loopback Hub answered. */
export interface HubRequest {
  readonly method: string;
  /** Path and query, e.g. `/org/name/resolve/<commit>/config.json`. */
  readonly url: string;
  readonly range: string | undefined;
  readonly authorization: string | undefined;
}

export interface LoopbackHub {
  /** `http://127.0.0.1:<port>`: what HF_ENDPOINT is set to. */
  readonly endpoint: string;
  /** Every request so far, in order. */
  readonly requests: HubRequest[];
  /** The commit hash each `org/name@revision` is at. */
  commit(repoId: string, revision?: string): string;
  /** Cuts the connection after `bytes` bytes of the next transfer of `file` (to test resuming). */
  cutNextTransfer(file: string, bytes: number): void;
  close(): Promise<void>;
}

interface ServedFile {
  readonly content: Buffer;
  /** The etag huggingface_hub names the blob by: sha256 for LFS files, the git blob sha1 otherwise. */
  readonly etag: string;
  readonly lfs: boolean;
}

interface ServedCommit {
  readonly sha: string;
  readonly files: ReadonlyMap<string, ServedFile>;
}

/**
 * A Hugging Face Hub on 127.0.0.1 for tests and offline demos, serving the URL layout that
 * @huggingface/hub and huggingface_hub request: `/api/models/{repo}/revision/{rev}` (sha, siblings),
 * `/api/models/{repo}/tree/{rev}` (files with oid, size, lfs), and `/{repo}/resolve/{rev}/{file}`
 * (ETag / X-Linked-Etag, X-Repo-Commit, Content-Length, Range). As on the Hub, safetensors files are
 * LFS files whose resolve URL redirects to a content-addressed URL, an unknown or private repo is
 * 401, an unknown revision or file 404.
 */
export async function serveHubRepos(repos: readonly HubRepoSpec[]): Promise<LoopbackHub> {
  const served = new Map(repos.map((repo) => [repo.id, { spec: repo, refs: commitsOf(repo) }]));
  const blobs = new Map<string, Buffer>();
  for (const { refs } of served.values())
    for (const c of refs.values()) for (const f of c.files.values()) if (f.lfs) blobs.set(f.etag, f.content);
  const requests: HubRequest[] = [];
  const cuts = new Map<string, number>(); // etag -> bytes sent before the connection is cut

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push({
      method: req.method ?? 'GET',
      url,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    try {
      route(req, res, new URL(url, 'http://hub').pathname);
    } catch (err) {
      json(res, 500, { error: (err as Error).message });
    }
  });

  function route(req: IncomingMessage, res: ServerResponse, path: string): void {
    const cdn = /^\/lfs-cdn\/([0-9a-f]{64})$/.exec(path);
    if (cdn) {
      const content = blobs.get(cdn[1]!);
      if (!content) return json(res, 404, { error: 'Entry not found' }, 'EntryNotFound');
      return sendBytes(req, res, content, cdn[1]!, {});
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree)\/([^?]+)$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const repoId = api?.[1] ?? resolve?.[1];
    const repo = repoId === undefined ? undefined : served.get(repoId);
    if (
      !repo ||
      (repo.spec.token !== undefined && req.headers.authorization !== `Bearer ${repo.spec.token}`)
    ) {
      if (!api && !resolve) return json(res, 404, { error: 'Not found' });
      return json(res, 401, { error: 'Repository not found' }, 'RepoNotFound');
    }
    const revision = decodeURIComponent((api?.[3] ?? resolve?.[2])!);
    const commit = repo.refs.get(revision) ?? [...repo.refs.values()].find((c) => c.sha === revision);
    if (!commit) return json(res, 404, { error: `Invalid rev id: ${revision}` }, 'RevisionNotFound');
    if (api?.[2] === 'revision') {
      const siblings = [...commit.files.keys()].map((rfilename) => ({ rfilename }));
      return json(res, 200, {
        _id: repoId,
        id: repoId,
        sha: commit.sha,
        siblings,
        private: !!repo.spec.token,
      });
    }
    if (api) return json(res, 200, treeOf(commit));
    const name = resolve![3]!.split('/').map(decodeURIComponent).join('/');
    const file = commit.files.get(name);
    if (!file) return json(res, 404, { error: 'Entry not found' }, 'EntryNotFound');
    const headers = { 'X-Repo-Commit': commit.sha };
    if (file.lfs) {
      res.writeHead(302, {
        ...headers,
        Location: `/lfs-cdn/${file.etag}`,
        'X-Linked-Etag': `"${file.etag}"`,
        'X-Linked-Size': String(file.content.length),
        ETag: `"${file.etag}"`,
      });
      return void res.end();
    }
    sendBytes(req, res, file.content, file.etag, headers);
  }

  function sendBytes(
    req: IncomingMessage,
    res: ServerResponse,
    content: Buffer,
    etag: string,
    headers: Record<string, string>,
  ): void {
    const base = {
      ...headers,
      ETag: `"${etag}"`,
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
    };
    let start = 0;
    let end = content.length - 1;
    let status = 200;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (req.headers.range !== undefined) {
      const from = range?.[1] ? Number(range[1]) : NaN;
      if (!range || !(from < content.length)) {
        res.writeHead(416, { ...base, 'Content-Range': `bytes */${content.length}` });
        return void res.end();
      }
      start = from;
      if (range[2]) end = Math.min(end, Number(range[2]));
      status = 206;
    }
    const body = content.subarray(start, end + 1);
    res.writeHead(status, {
      ...base,
      'Content-Length': String(body.length),
      ...(status === 206 ? { 'Content-Range': `bytes ${start}-${end}/${content.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const cut = cuts.get(etag);
    if (cut !== undefined && cut < body.length) {
      cuts.delete(etag);
      // Half a body, then a reset: what a dropped connection looks like to the client.
      res.write(body.subarray(0, cut), () => res.destroy());
      return;
    }
    res.end(body);
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    commit: (repoId, revision = 'main') => {
      const sha = served.get(repoId)?.refs.get(revision)?.sha;
      if (sha === undefined) throw new Error(`the loopback Hub has no ${repoId}@${revision}`);
      return sha;
    },
    cutNextTransfer: (file, bytes) => {
      for (const { refs } of served.values())
        for (const c of refs.values()) {
          const etag = c.files.get(file)?.etag;
          if (etag !== undefined) cuts.set(etag, bytes);
        }
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((err) => (err ? fail(err) : done()));
      }),
  };
}

function commitsOf(repo: HubRepoSpec): Map<string, ServedCommit> {
  const refs = new Map<string, ServedCommit>();
  for (const [revision, source] of Object.entries(repo.revisions)) {
    const files = new Map<string, ServedFile>();
    for (const [name, content] of Object.entries(filesOf(source))) {
      const bytes = Buffer.from(content);
      const lfs = name.endsWith('.safetensors');
      const etag = lfs
        ? createHash('sha256').update(bytes).digest('hex')
        : createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      files.set(name, { content: bytes, etag, lfs });
    }
    // A stable fake commit hash: the repo, the revision and every file's etag.
    const sha = createHash('sha1')
      .update(
        `${repo.id}@${revision}:${[...files]
          .map(([n, f]) => `${n}=${f.etag}`)
          .sort()
          .join(',')}`,
      )
      .digest('hex');
    refs.set(revision, { sha, files });
  }
  return refs;
}

function filesOf(source: HubFiles): Record<string, string | Uint8Array> {
  if (typeof source !== 'string') return { ...source };
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(source)) {
    const path = join(source, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path);
  }
  return files;
}

function treeOf(commit: ServedCommit): unknown[] {
  const entries: unknown[] = [];
  const dirs = new Set<string>();
  for (const [path, file] of commit.files) {
    if (path.includes('/')) {
      dirs.add(path.split('/')[0]!);
      continue;
    }
    entries.push({
      type: 'file',
      path,
      size: file.content.length,
      // An LFS file's git oid is its pointer file's; its content hash is lfs.oid.
      oid: file.lfs ? createHash('sha1').update(`lfs pointer ${file.etag}`).digest('hex') : file.etag,
      ...(file.lfs ? { lfs: { oid: file.etag, size: file.content.length, pointerSize: 134 } } : {}),
    });
  }
  for (const path of dirs)
    entries.push({ type: 'directory', path, size: 0, oid: createHash('sha1').update(path).digest('hex') });
  return entries;
}

function json(res: ServerResponse, status: number, body: unknown, errorCode?: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    ...(errorCode ? { 'X-Error-Code': errorCode } : {}),
  });
  res.end(JSON.stringify(body));
}
