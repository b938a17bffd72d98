import type { Socket } from 'node:net';
import { encodeFrame, FrameDecoder, type Frame, type FrameHeader } from './frame-codec.js';

export interface PeerLinkHandlers {
  onFrame(frame: Frame): void;
  /** The connection is gone; `error` is what broke it, if anything did. Called once. */
  onClose(error: Error | undefined): void;
}

/**
 * One TCP connection between two ranks, speaking frames. No delay (small control messages must not
 * wait for Nagle) and OS keep-alive, so a peer whose host vanished is noticed even when idle. The
 * socket does not keep the process alive by itself: a waiting round's timer does, so a process that
 * is done exits even if it never left the group (its peers then see it go).
 */
export class PeerLink {
  private readonly decoder = new FrameDecoder();
  private error: Error | undefined;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private handlers: PeerLinkHandlers,
  ) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5_000);
    socket.unref();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => (this.error ??= err));
    socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.handlers.onClose(this.error);
    });
  }

  /** Routes later frames and the close elsewhere (the rendezvous hands links to a channel). */
  setHandlers(handlers: PeerLinkHandlers): void {
    this.handlers = handlers;
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  send(header: FrameHeader, body?: Uint8Array): void {
    if (!this.isOpen) return;
    const [head, tail] = encodeFrame(header, body);
    this.socket.write(head);
    if (tail) this.socket.write(tail);
  }

  /** Sends what is queued, then closes. */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.error = err as Error;
      this.socket.destroy();
      return;
    }
    for (const frame of frames) this.handlers.onFrame(frame);
  }
}
