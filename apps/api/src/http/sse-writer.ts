import type { ServerResponse } from 'node:http';

/**
 * Server-sent events as vLLM writes them: `data: <json>\n\n` per event, `data: [DONE]\n\n` last.
 * Headers go out with the first event, so an error found before it can still be a plain HTTP error.
 */
export class SseWriter {
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  /** The client went away: writing is pointless and generation should stop. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  send(event: unknown): void {
    this.start();
    if (!this.closed) this.res.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  done(): void {
    this.start();
    if (!this.closed) this.res.end('data: [DONE]\n\n');
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    this.res.flushHeaders();
  }
}
