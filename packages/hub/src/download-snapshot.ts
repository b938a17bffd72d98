import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HubApiError, listFiles, modelInfo } from '@huggingface/hub';
import { COMMIT_HASH, missingSnapshotFiles } from './cached-snapshot.js';
import { downloadBlob } from './download-blob.js';
import type { DownloadProgress, DownloadProgressCallback } from './download-progress.js';
import { HubError } from './hub-error.js';
import { hubStatusError, hubUnreachableError, type HubRequestContext } from './hub-request-error.js';
import type { HubSettings } from './hub-settings.js';
import { linkSnapshotFile } from './link-snapshot-file.js';
import {
  indexShards,
  missingRepoFiles,
  wantedRepoFiles,
  WEIGHTS_FILE,
  WEIGHTS_INDEX_FILE,
  type HubRepoKind,
} from './repo-files.js';
import { writeRef } from './write-ref.js';

export interface DownloadSnapshotInput {
  readonly repoId: string;
  readonly revision: string;
  readonly kind: HubRepoKind;
  /** `<cache>/models--org--name`. */
  readonly repoDir: string;
  readonly settings: HubSettings;
  readonly fetch: typeof fetch;
  readonly onProgress?: DownloadProgressCallback;
}

/** A file of the repo at the commit: its size and its etag (the blob's name in the cache). */
interface RepoFile {
  readonly path: string;
  readonly size: number;
  readonly etag: string;
}

/**
 * Downloads what a `kind` load reads of `repoId` at `revision` into the Hugging Face cache, in
 * huggingface_hub's layout, and returns `snapshots/<commit>`. The revision's commit and the file
 * list (with each file's size and etag) come from the Hub API through @huggingface/hub (`modelInfo`,
 * `listFiles`); the bytes are fetched here (see downloadBlob: resume and progress, which
 * @huggingface/hub's downloadFileToCacheDir does not offer). Files already in the snapshot, or whose
 * blob is already cached, are not fetched again; refs/<revision> is written last.
 */
export async function downloadSnapshot(input: DownloadSnapshotInput): Promise<string> {
  const { settings } = input;
  const token = settings.token ?? (await readTokenFile(settings.tokenPath));
  const context: HubRequestContext = {
    id: `${input.repoId}@${input.revision}`,
    cacheDir: settings.cacheDir,
    endpoint: settings.endpoint,
    withToken: token !== undefined,
  };
  // @huggingface/hub only accepts tokens that start with hf_; a mirror's token may not, so the header
  // is added here for every request instead.
  const authHeaders: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const hubFetch: typeof fetch = (url, init) => {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(authHeaders)) headers.set(k, v);
    return input.fetch(url, { ...init, headers });
  };
  const api = { hubUrl: settings.endpoint, fetch: hubFetch };

  const { commit, listing } = await hubCall(context, async () => {
    const info = await modelInfo({
      ...api,
      name: input.repoId,
      revision: input.revision,
      additionalFields: ['sha'],
    });
    const sha = (info as { sha?: unknown }).sha;
    if (typeof sha !== 'string' || !COMMIT_HASH.test(sha)) {
      throw new HubError(`the Hub's answer for revision ${input.revision} has no commit hash`, context);
    }
    const files = new Map<string, RepoFile>();
    for await (const entry of listFiles({
      ...api,
      repo: { type: 'model', name: input.repoId },
      revision: sha,
    })) {
      // An LFS (or Xet) file's etag is its sha256, a git file's its blob sha1: the names
      // huggingface_hub gives blobs (from the X-Linked-Etag / ETag of the file's resolve URL).
      const etag = entry.lfs?.oid ?? entry.oid;
      if (entry.type === 'file' && etag) files.set(entry.path, { path: entry.path, size: entry.size, etag });
    }
    return { commit: sha, listing: files };
  });

  const at = `${input.repoId} at ${input.revision}${input.revision === commit ? '' : ` (commit ${commit})`}`;
  const lacking = missingRepoFiles(input.kind, new Set(listing.keys()));
  if (lacking.length > 0) throw lackingFiles(at, input.kind, lacking, listing, context);

  const snapshotDir = join(input.repoDir, 'snapshots', commit);
  const blobPath = (file: RepoFile) => join(input.repoDir, 'blobs', file.etag);
  const resolveUrl = (file: RepoFile) =>
    `${settings.endpoint}/${input.repoId}/resolve/${commit}/${file.path.split('/').map(encodeURIComponent).join('/')}`;

  // One safetensors file wins over an index, as transformers and medgpt load them; with an index, its
  // shards are fetched too (the index is small and read first to know them).
  let names = wantedRepoFiles(input.kind).filter((name) => listing.has(name));
  if (names.includes(WEIGHTS_FILE)) names = names.filter((name) => name !== WEIGHTS_INDEX_FILE);
  if (names.includes(WEIGHTS_INDEX_FILE)) {
    const index = listing.get(WEIGHTS_INDEX_FILE)!;
    await ensureFile(index, {
      blobPath: blobPath(index),
      snapshotDir,
      url: resolveUrl(index),
      context,
      hubFetch,
    });
    const path = join(snapshotDir, WEIGHTS_INDEX_FILE);
    const shards = indexShards(await readFile(path, 'utf8'), `${at}: ${WEIGHTS_INDEX_FILE}`);
    const unlisted = shards.filter((s) => !listing.has(s));
    if (unlisted.length > 0) throw lackingFiles(at, input.kind, unlisted, listing, context);
    names = [...names.filter((n) => n !== WEIGHTS_INDEX_FILE), ...shards];
  }

  // Link what the cache already holds; the rest is downloaded, and is what progress counts.
  const pending: { file: RepoFile; have: number }[] = [];
  for (const name of names) {
    const file = listing.get(name)!;
    if (await isFile(join(snapshotDir, name))) continue;
    if (await isFile(blobPath(file))) await linkSnapshotFile(blobPath(file), join(snapshotDir, name));
    else
      pending.push({ file, have: (await stat(`${blobPath(file)}.incomplete`).catch(() => null))?.size ?? 0 });
  }
  const totalBytes = pending.reduce((n, p) => n + p.file.size, 0);
  let bytes = pending.reduce((n, p) => n + Math.min(p.have, p.file.size), 0);
  let received = 0;
  let filesDone = 0;
  const base = () => ({
    repoId: input.repoId,
    revision: input.revision,
    commit,
    bytes,
    totalBytes,
    received,
    filesDone,
    files: pending.length,
  });
  const report = (p: DownloadProgress) => input.onProgress?.(p);
  if (pending.length > 0) report({ ...base(), event: 'start', cacheDir: settings.cacheDir });

  for (const { file, have } of pending) {
    let onDisk = Math.min(have, file.size);
    await ensureFile(file, {
      blobPath: blobPath(file),
      snapshotDir,
      url: resolveUrl(file),
      context,
      hubFetch,
      onBytes: (fileBytes, chunk) => {
        bytes += fileBytes - onDisk;
        onDisk = fileBytes;
        received += chunk;
        report({ ...base(), event: 'bytes', file: file.path, fileBytes, fileSize: file.size });
      },
    });
    bytes += file.size - onDisk;
    filesDone++;
    report({ ...base(), event: 'file-done', file: file.path, fileBytes: file.size, fileSize: file.size });
  }

  const missing = await missingSnapshotFiles(snapshotDir, input.kind);
  if (missing.length > 0) throw lackingFiles(at, input.kind, missing, listing, context);
  if (input.revision !== commit) await writeRef(input.repoDir, input.revision, commit);
  if (pending.length > 0) report({ ...base(), event: 'done', dir: snapshotDir });
  return snapshotDir;
}

interface EnsureFileInput {
  readonly blobPath: string;
  readonly snapshotDir: string;
  readonly url: string;
  readonly context: HubRequestContext;
  readonly hubFetch: typeof fetch;
  readonly onBytes?: (fileBytes: number, received: number) => void;
}

/** The file's blob downloaded (unless cached) and linked into the snapshot. */
async function ensureFile(file: RepoFile, o: EnsureFileInput): Promise<void> {
  const pointer = join(o.snapshotDir, file.path);
  if (await isFile(pointer)) return;
  if (!(await isFile(o.blobPath))) {
    await downloadBlob({
      url: o.url,
      blobPath: o.blobPath,
      etag: file.etag,
      size: file.size,
      fetch: o.hubFetch,
      headers: {},
      context: o.context,
      onBytes: o.onBytes ?? (() => undefined),
    });
  }
  await linkSnapshotFile(o.blobPath, pointer);
}

/** Runs Hub API calls, turning their failures into HubErrors that say what to do. */
async function hubCall<T>(context: HubRequestContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HubError) throw err;
    if (err instanceof HubApiError) {
      const data = err.data as { error?: unknown } | undefined;
      throw hubStatusError(
        err.statusCode,
        err.url,
        context,
        typeof data?.error === 'string' ? data.error : undefined,
      );
    }
    throw hubUnreachableError(err, context);
  }
}

function lackingFiles(
  at: string,
  kind: HubRepoKind,
  lacking: string[],
  listing: ReadonlyMap<string, RepoFile>,
  context: HubRequestContext,
): HubError {
  const has = [...listing.keys()].filter((name) => !name.includes('/'));
  const other = has.filter((n) => /\.(bin|pth|pt|gguf|h5|msgpack|ckpt)$/.test(n));
  return new HubError(`${at} has no ${lacking.join(', ')}, needed to load it as a ${kind}`, {
    id: context.id,
    cacheDir: context.cacheDir,
    hint:
      other.length > 0
        ? `medgpt reads safetensors weights and fast-tokenizer files; this repo has ${other.join(', ')} ` +
          '(convert them once in Python: save_pretrained(dir, safe_serialization=True))'
        : `the repo's top-level files: ${has.join(', ') || 'none'}`,
  });
}

async function readTokenFile(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trim() || undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() === true;
}
