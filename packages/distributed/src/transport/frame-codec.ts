// The wire format between ranks: [u32 header bytes][u32 body bytes][header: UTF-8 JSON][body: raw bytes].
// Headers are small (what the message is); bodies carry tensor data without any encoding.

/** The JSON part of a message; `type` says what it is. */
export interface FrameHeader {
  type: string;
  [field: string]: unknown;
}

export interface Frame {
  header: FrameHeader;
  /** Its own ArrayBuffer, offset 0, so typed-array views of it are aligned. */
  body: Buffer;
}

const PREFIX = 8;
/** Headers are a few hundred bytes; a larger length means the bytes are not ours. */
const MAX_HEADER_BYTES = 1 << 20;
/** A body must fit a u32 length; callers split larger transfers (TcpCommunicator does). */
export const MAX_BODY_BYTES = 0xffff_ffff;

/** The bytes of one message, as two buffers to write back to back (the body is not copied). */
export function encodeFrame(header: FrameHeader, body?: Uint8Array): [Buffer, Buffer | null] {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const bodyBytes = body?.byteLength ?? 0;
  if (bodyBytes > MAX_BODY_BYTES)
    throw new RangeError(`frame body of ${bodyBytes} bytes is over the 4 GiB limit`);
  const head = Buffer.allocUnsafe(PREFIX + json.length);
  head.writeUInt32LE(json.length, 0);
  head.writeUInt32LE(bodyBytes, 4);
  json.copy(head, PREFIX);
  const tail = body && bodyBytes > 0 ? Buffer.from(body.buffer, body.byteOffset, bodyBytes) : null;
  return [head, tail];
}

/**
 * Reassembles frames from a byte stream cut anywhere. A body is copied once into a buffer of its exact
 * size as its chunks arrive, so a large transfer costs O(bytes), never a concatenation per chunk.
 */
export class FrameDecoder {
  private head = Buffer.alloc(0);
  private header: FrameHeader | null = null;
  private body: Buffer | null = null;
  private filled = 0;

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.body === null) at = this.readHead(chunk, at, frames);
      else {
        const n = Math.min(this.body.length - this.filled, chunk.length - at);
        chunk.copy(this.body, this.filled, at, at + n);
        this.filled += n;
        at += n;
        if (this.filled === this.body.length) this.emit(frames);
      }
    }
    return frames;
  }

  /** Takes prefix and header bytes from chunk[at..]; returns where it stopped. */
  private readHead(chunk: Buffer, at: number, frames: Frame[]): number {
    const need = this.head.length < PREFIX ? PREFIX : PREFIX + this.head.readUInt32LE(0);
    const take = Math.min(need - this.head.length, chunk.length - at);
    this.head = Buffer.concat([this.head, chunk.subarray(at, at + take)]);
    at += take;
    if (this.head.length < need) return at;
    if (need === PREFIX) {
      const headerBytes = this.head.readUInt32LE(0);
      if (headerBytes === 0 || headerBytes > MAX_HEADER_BYTES)
        return this.fail(`a message header of ${headerBytes} bytes`);
      return at;
    }
    const json = this.head.subarray(PREFIX).toString('utf8');
    let header: FrameHeader;
    try {
      header = JSON.parse(json) as FrameHeader;
    } catch {
      return this.fail(`a message header is not JSON: ${json.slice(0, 80)}`);
    }
    if (typeof header?.type !== 'string')
      return this.fail(`a message header has no type: ${json.slice(0, 80)}`);
    this.header = header;
    this.body = Buffer.allocUnsafeSlow(this.head.readUInt32LE(4));
    this.filled = 0;
    this.head = Buffer.alloc(0);
    if (this.body.length === 0) this.emit(frames);
    return at;
  }

  private emit(frames: Frame[]): void {
    frames.push({ header: this.header!, body: this.body! });
    this.header = null;
    this.body = null;
    this.filled = 0;
  }

  private fail(why: string): never {
    throw new Error(`corrupt stream between ranks: ${why} (is something else talking to MASTER_PORT?)`);
  }
}
