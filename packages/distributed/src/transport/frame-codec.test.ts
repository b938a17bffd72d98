import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from './frame-codec.js';

const bytes = (parts: [Buffer, Buffer | null]) => Buffer.concat(parts.filter((p): p is Buffer => p !== null));

describe('frame codec', () => {
  it('round-trips headers and bodies however the stream is cut', () => {
    const body = new Float32Array([1.5, -2, 3e-8, Infinity]);
    const stream = Buffer.concat([
      bytes(encodeFrame({ type: 'a', seq: 1 }, new Uint8Array(body.buffer))),
      bytes(encodeFrame({ type: 'b' })),
      bytes(encodeFrame({ type: 'c', note: 'ü' }, Buffer.from('xyz'))),
    ]);
    for (const cut of [1, 3, 7, 8, 9, 64, stream.length]) {
      const decoder = new FrameDecoder();
      const frames = [];
      for (let i = 0; i < stream.length; i += cut) frames.push(...decoder.push(stream.subarray(i, i + cut)));
      expect(frames.map((f) => f.header)).toEqual([
        { type: 'a', seq: 1 },
        { type: 'b' },
        { type: 'c', note: 'ü' },
      ]);
      expect(Array.from(new Float32Array(frames[0]!.body.buffer, 0, 4))).toEqual(Array.from(body));
      expect(frames[0]!.body.byteOffset).toBe(0);
      expect(frames[1]!.body.length).toBe(0);
      expect(frames[2]!.body.toString()).toBe('xyz');
    }
  });

  it('refuses bytes that are not frames, saying what may be talking to the port', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toThrow(/corrupt stream between ranks/);
  });
});
