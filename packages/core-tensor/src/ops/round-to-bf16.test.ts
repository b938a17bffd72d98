import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { bf16ToFloat32, float32ToBf16 } from '../safetensors/half-float.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { packWords } from './pack-words.js';
import { dequantize4bit } from './dequantize-4bit.js';
import { dequantizeInt8 } from './dequantize-int8.js';
import { roundToBf16 } from './round-to-bf16.js';

/** float32 values from their bit patterns. */
const fromBits = (bits: number[]) => new Float32Array(Uint32Array.from(bits).buffer);

describe.each(['cpu', 'wasm'])('roundToBf16 on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('rounds to nearest, ties to even, as torch casts to bfloat16', () =>
    expectNoLeak(() => {
      // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: even (1) wins; 1 + 3 * 2^-8 ties up to 1 + 2^-6.
      const x = fromBits([0x3f808000, 0x3f818000, 0x3f808001, 0x3f807fff, 0xbf818000, 0x7f7fffff, 0]);
      const want = fromBits([0x3f800000, 0x3f820000, 0x3f810000, 0x3f800000, 0xbf820000, 0x7f800000, 0]);
      const t = tf.tensor1d(x);
      const y = roundToBf16(t);
      expect(y.dtype).toBe('float32');
      expect(Array.from(y.dataSync())).toEqual(Array.from(want));
      tf.dispose([t, y]);
    }));

  it('equals the safetensors bf16 cast, keeps the shape, and is lossless on bf16 values', () =>
    expectNoLeak(() => {
      const values = Float32Array.from({ length: 600 }, (_, i) => Math.sin(i * 0.37) * 10 ** ((i % 9) - 4));
      const t = tf.tensor2d(values, [20, 30]);
      const y = roundToBf16(t);
      const twice = roundToBf16(y);
      expect(y.shape).toEqual([20, 30]);
      const want = bf16ToFloat32(float32ToBf16(values));
      expect(Array.from(y.dataSync())).toEqual(Array.from(want));
      expect(Array.from(twice.dataSync())).toEqual(Array.from(want));
      tf.dispose([t, y, twice]);
    }));

  it('refuses non-float32 input', () => {
    const t = tf.tensor1d([1, 2], 'int32');
    expect(() => roundToBf16(t)).toThrow(/float32, got int32/);
    t.dispose();
  });

  it('the matmulOperand hint leaves host dequantisation unchanged', () =>
    expectNoLeak(() => {
      const packed = tf.tensor1d(packWords(Uint8Array.from([0x12, 0x34, 0x56, 0x78])), 'int32');
      const absmax = tf.tensor1d([1 / 3, 7.1]);
      const code = tf.tensor1d(Array.from({ length: 16 }, (_, i) => (i - 7.5) / 8));
      const opts = { shape: [8], blocksize: 4 } as const;
      const a = dequantize4bit(packed, absmax, code, opts);
      const b = dequantize4bit(packed, absmax, code, { ...opts, matmulOperand: true });
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      const scb = tf.tensor1d([0.7, 1.3]);
      const c = dequantizeInt8(packed, scb, [2, 2]);
      const d = dequantizeInt8(packed, scb, [2, 2], { matmulOperand: true });
      expect(Array.from(d.dataSync())).toEqual(Array.from(c.dataSync()));
      tf.dispose([packed, absmax, code, a, b, scb, c, d]);
    }));
});
