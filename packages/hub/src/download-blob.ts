import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { blobMatchesEtag } from './blob-matches-etag.js';
import { HubError } from './hub-error.js';
import { hubStatusError, hubUnreachableError, type HubRequestContext } from './hub-request-error.js';

export interface DownloadBlobInput {
  /** `<endpoint>/<repo>/resolve/<commit>/<file>`. */
  readonly url: string;
  /** `blobs/<etag>`: written as `<blobPath>.incomplete`, renamed when complete and checked. */
  readonly blobPath: string;
  readonly etag: string;
  readonly size: number;
  readonly fetch: typeof fetch;
  /** Authorization and the like. */
  readonly headers: Readonly<Record<string, string>>;
  readonly context: HubRequestContext;
  /** Called as bytes arrive: the file's bytes on disk, and the bytes just received. */
  readonly onBytes: (fileBytes: number, received: number) => void;
  /** Requests per call before giving up on a connection that keeps failing (default 3). */
  readonly attempts?: number;
}

/**
 * Downloads one file into the cache's blobs/ as huggingface_hub does, but resumable here too:
 * bytes go to `<blob>.incomplete`; when that file exists (an earlier run was cut), the request asks
 * only for the rest with `Range: bytes=<have>-`. A connection cut mid-file is resumed the same way up
 * to `attempts` times. Once all bytes are there the content is checked against the etag (sha256 /
 * git sha1) and the file renamed to `<blob>` in one step, so a blob is never partial.
 */
export async function downloadBlob(input: DownloadBlobInput): Promise<void> {
  const incomplete = `${input.blobPath}.incomplete`;
  const attempts = input.attempts ?? 3;
  await mkdir(dirname(input.blobPath), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    let have = (await stat(incomplete).catch(() => null))?.size ?? 0;
    if (have > input.size) {
      await unlink(incomplete); // not a prefix of this blob: start again
      have = 0;
    }
    if (have < input.size) {
      const outcome = await transfer(input, incomplete, have);
      if (outcome === 'retry') {
        if (attempt >= attempts) throw interrupted(input, incomplete);
        await sleep(200 * attempt);
        continue;
      }
    }
    await finish(input, incomplete);
    return;
  }
}

/** One request for the bytes after `have`: 'done' when the body was read to its end, 'retry' when cut. */
async function transfer(
  input: DownloadBlobInput,
  incomplete: string,
  have: number,
): Promise<'done' | 'retry'> {
  const headers: Record<string, string> = { ...input.headers, 'Accept-Encoding': 'identity' };
  if (have > 0) headers.Range = `bytes=${have}-`;
  let response: Response;
  try {
    response = await input.fetch(input.url, { headers });
  } catch (err) {
    if (have > 0) return 'retry';
    throw hubUnreachableError(err, input.context);
  }
  if (response.status === 416 && have > 0) {
    // The server has no bytes after `have`: what we kept is not a prefix of this file.
    await response.body?.cancel();
    await unlink(incomplete);
    return 'retry';
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw hubStatusError(response.status, input.url, input.context);
  }
  // 206 continues the kept bytes; 200 means the server ignored Range and sends the whole file.
  let offset = response.status === 206 ? rangeStart(response) : 0;
  if (response.status === 206 && offset !== have) {
    await response.body?.cancel();
    throw new HubError(
      `asked for bytes ${have}- of ${input.url} and got a range starting at ${offset ?? '?'}`,
      {
        id: input.context.id,
        cacheDir: input.context.cacheDir,
        url: input.url,
      },
    );
  }
  offset ??= 0;
  const file = await open(incomplete, offset === 0 ? 'w' : 'a');
  try {
    if (response.body === null) return 'retry';
    for await (const chunk of response.body) {
      await file.write(chunk);
      offset += chunk.byteLength;
      input.onBytes(offset, chunk.byteLength);
    }
  } catch {
    return 'retry'; // the connection was cut: the bytes written so far stay for the next request
  } finally {
    await file.close();
  }
  return 'done';
}

async function finish(input: DownloadBlobInput, incomplete: string): Promise<void> {
  const size = (await stat(incomplete)).size;
  const problem =
    size !== input.size
      ? `received ${size} bytes where the Hub listed ${input.size}`
      : (await blobMatchesEtag(incomplete, input.etag, size)) === false
        ? `the content does not match its etag ${input.etag}`
        : null;
  if (problem !== null) {
    await unlink(incomplete);
    throw new HubError(`${input.url}: ${problem}; the partial file was removed`, {
      id: input.context.id,
      cacheDir: input.context.cacheDir,
      url: input.url,
      hint: 'Run again to download it afresh',
    });
  }
  await rename(incomplete, input.blobPath);
}

/** The first byte of a 206 answer's Content-Range (`bytes <start>-<end>/<size>`), null without one. */
function rangeStart(response: Response): number | null {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : null;
}

function interrupted(input: DownloadBlobInput, incomplete: string): HubError {
  return new HubError(`the download of ${input.url} was cut several times`, {
    id: input.context.id,
    cacheDir: input.context.cacheDir,
    url: input.url,
    hint: `The bytes received are kept in ${incomplete}; run again to resume from there`,
  });
}
