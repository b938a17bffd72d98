import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Whether the file at `path` has the content its Hub etag names: the sha256 of an LFS file (64 hex
 * digits) or the git blob sha1 of a regular one (40 hex digits). Null for any other etag form
 * (nothing to check against).
 */
export async function blobMatchesEtag(path: string, etag: string, size: number): Promise<boolean | null> {
  let hash;
  if (/^[0-9a-f]{64}$/.test(etag)) hash = createHash('sha256');
  else if (/^[0-9a-f]{40}$/.test(etag)) hash = createHash('sha1').update(`blob ${size}\0`);
  else return null;
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex') === etag;
}
