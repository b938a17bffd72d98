import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';

/**
 * Writes JSON lines to a temporary file beside the target and renames it into place on `commit`, so
 * the target is either the old file or the complete new one, never a partial write.
 */
export class AtomicJsonlWriter {
  readonly tempPath: string;
  private readonly stream: WriteStream;
  private done = false;
  lines = 0;

  constructor(readonly path: string) {
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
    this.stream = createWriteStream(this.tempPath, { encoding: 'utf8' });
  }

  /** Appends one compact JSON line (non-ASCII kept, as `force_ascii=False`). */
  async write(value: unknown): Promise<void> {
    this.lines += 1;
    if (!this.stream.write(`${JSON.stringify(value)}\n`)) await once(this.stream, 'drain');
  }

  async commit(): Promise<void> {
    this.done = true;
    await new Promise<void>((resolve, reject) =>
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    await rename(this.tempPath, this.path);
  }

  /** Drops the temporary file; the target is left untouched. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    await rm(this.tempPath, { force: true });
  }
}
