/** What every progress event says: the repo and where the whole download stands. */
interface DownloadProgressBase {
  readonly repoId: string;
  readonly revision: string;
  readonly commit: string;
  /** Bytes on disk of the files this call downloads (bytes resumed from .incomplete files count). */
  readonly bytes: number;
  /** Their total size. */
  readonly totalBytes: number;
  /** Bytes received over the network by this call (resumed bytes do not count): for a rate. */
  readonly received: number;
  readonly filesDone: number;
  /** How many files this call downloads (files already in the cache are not counted). */
  readonly files: number;
}

/**
 * A download's progress, for a progress bar or log lines: `start` once the files are known, `bytes`
 * as a file's bytes arrive, `file-done` when a file is complete in the cache, `done` at the end.
 * Nothing is reported for a snapshot that is already complete in the cache.
 */
export type DownloadProgress =
  | (DownloadProgressBase & { readonly event: 'start'; readonly cacheDir: string })
  | (DownloadProgressBase & {
      readonly event: 'bytes' | 'file-done';
      /** The file's path in the repo. */
      readonly file: string;
      /** Its bytes on disk so far, and its size. */
      readonly fileBytes: number;
      readonly fileSize: number;
    })
  | (DownloadProgressBase & { readonly event: 'done'; readonly dir: string });

export type DownloadProgressCallback = (progress: DownloadProgress) => void;
