import type { GenerationChunk, GenerationResult } from './generation-request.js';

/**
 * A request's output as it is generated: iterate it for the chunks of every choice in order, or await
 * `result` for the whole answer. Leaving the iteration early (break, a closed HTTP connection)
 * cancels the request.
 */
export class GenerationStream implements AsyncIterable<GenerationChunk> {
  readonly result: Promise<GenerationResult>;
  private readonly chunks: GenerationChunk[] = [];
  private ended = false;
  private error: unknown = null;
  private wake: (() => void) | null = null;
  private settle!: { resolve: (r: GenerationResult) => void; reject: (e: unknown) => void };

  constructor(private readonly cancel: () => void) {
    this.result = new Promise<GenerationResult>((resolve, reject) => (this.settle = { resolve, reject }));
    this.result.catch(() => {}); // a caller that only iterates still sees the error there
  }

  /** @internal The engine's side. */
  push(chunk: GenerationChunk): void {
    this.chunks.push(chunk);
    this.notify();
  }

  /** @internal */
  end(result: GenerationResult): void {
    this.ended = true;
    this.settle.resolve(result);
    this.notify();
  }

  /** @internal */
  fail(error: unknown): void {
    this.ended = true;
    this.error = error;
    this.settle.reject(error);
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<GenerationChunk> {
    try {
      for (;;) {
        while (this.chunks.length > 0) yield this.chunks.shift()!;
        if (this.ended) {
          if (this.error !== null) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!this.ended) this.cancel();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
