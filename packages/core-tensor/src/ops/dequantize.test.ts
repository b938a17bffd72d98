import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from '../safetensors/half-float.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { dequantize4bit } from './dequantize-4bit.js';
import { dequantizeInt8 } from './dequantize-int8.js';
import { packWords } from './pack-words.js';

const CODE = Array.from({ length: 16 }, (_, i) => (i - 7.5) / 8); // any 16 values

describe.each(['cpu', 'wasm'])('dequantize4bit / dequantizeInt8 on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('reads the high nibble first and one absmax per block, across word boundaries', () =>
    expectNoLeak(() => {
      // 10 elements = 5 bytes = 2 words (the second zero-padded); blocksize 4 -> 3 blocks.
      const bytes = Uint8Array.from([0x0f, 0x80, 0x3c, 0xa5, 0x71]);
      const absmax = [2, 0.5, -3];
      const packed = tf.tensor1d(packWords(bytes), 'int32');
      const a = tf.tensor1d(absmax);
      const code = tf.tensor1d(CODE);
      const y = dequantize4bit(packed, a, code, { shape: [2, 5], blocksize: 4 });
      const nibbles = [0x0, 0xf, 0x8, 0x0, 0x3, 0xc, 0xa, 0x5, 0x7, 0x1];
      const expected = nibbles.map((q, i) => Math.fround(CODE[q]! * absmax[Math.floor(i / 4)]!));
      expect(y.shape).toEqual([2, 5]);
      expect(Array.from(y.dataSync())).toEqual(expected);
      tf.dispose([packed, a, code, y]);
    }));

  it('rounds to the weight dtype (bf16, f16) as a cast would', () =>
    expectNoLeak(() => {
      const bytes = Uint8Array.from([0x12, 0x34, 0x56, 0x78]);
      const packed = tf.tensor1d(packWords(bytes), 'int32');
      const a = tf.tensor1d([1 / 3, 7.1]);
      const code = tf.tensor1d(CODE);
      const p = dequantize4bit(packed, a, code, { shape: [8], blocksize: 4 });
      const plain = p.dataSync() as Float32Array;
      for (const [dtype, round] of [
        ['bfloat16', (v: Float32Array) => bf16ToFloat32(float32ToBf16(v))],
        ['float16', (v: Float32Array) => f16ToFloat32(float32ToF16(v))],
      ] as const) {
        const y = dequantize4bit(packed, a, code, { shape: [8], blocksize: 4, dtype });
        expect(Array.from(y.dataSync())).toEqual(Array.from(round(plain)));
        expect(Array.from(y.dataSync())).not.toEqual(Array.from(plain));
        y.dispose();
      }
      tf.dispose([packed, a, code, p]);
    }));

  it('a double-quantised absmax decodes per block as code8[q] * nested[b / nb] + offset', () =>
    expectNoLeak(() => {
      // 40 elements, blocksize 4 -> 10 blocks; nested blocks of 3 -> 4 nested scales.
      const bytes = Uint8Array.from({ length: 20 }, (_, i) => (i * 37 + 11) & 0xff);
      const q8 = Uint8Array.from({ length: 10 }, (_, i) => (i * 53 + 7) & 0xff);
      const code8 = Float32Array.from({ length: 256 }, (_, i) => (i - 127.5) / 128);
      const nestedScale = [0.5, 2, 0.25, 3];
      const offset = 0.3;
      const absmax = Array.from(q8, (q, b) =>
        Math.fround(Math.fround(code8[q]! * nestedScale[Math.floor(b / 3)]!) + Math.fround(offset)),
      );
      const t = {
        packed: tf.tensor1d(packWords(bytes), 'int32'),
        code: tf.tensor1d(CODE),
        plainAbsmax: tf.tensor1d(absmax),
        codes: tf.tensor1d(packWords(q8), 'int32'),
        code8: tf.tensor1d(code8),
        nested: tf.tensor1d(nestedScale),
      };
      const options = { shape: [5, 8], blocksize: 4, dtype: 'bfloat16' } as const;
      const plain = dequantize4bit(t.packed, t.plainAbsmax, t.code, options);
      const nested = dequantize4bit(
        t.packed,
        { codes: t.codes, code: t.code8, absmax: t.nested, blocksize: 3, offset },
        t.code,
        options,
      );
      expect(Array.from(nested.dataSync())).toEqual(Array.from(plain.dataSync()));
      expect(() =>
        dequantize4bit(
          t.packed,
          { codes: t.codes, code: t.code8, absmax: t.nested, blocksize: 2, offset },
          t.code,
          options,
        ),
      ).toThrow(/absmax.absmax must be float32 \[5\]/);
      tf.dispose([...Object.values(t), plain, nested]);
    }));

  it('dequantizeInt8: (q * SCB[row]) * 1/127 per element, signed codes', () =>
    expectNoLeak(() => {
      const codes = Int8Array.from([127, -127, 0, 5, -1, 64]);
      const scb = [0.25, 3.5];
      const packed = tf.tensor1d(packWords(codes), 'int32');
      const s = tf.tensor1d(scb);
      const y = dequantizeInt8(packed, s, [2, 3]);
      const inv = Math.fround(1 / 127);
      const expected = Array.from(codes, (q, i) =>
        Math.fround(Math.fround(q * scb[Math.floor(i / 3)]!) * inv),
      );
      expect(Array.from(y.dataSync())).toEqual(expected);
      expect(y.dataSync()[0]).toBeCloseTo(0.25, 7);
      tf.dispose([packed, s, y]);
    }));

  it('names the input whose size does not fit the shape', () =>
    expectNoLeak(() => {
      const packed = tf.tensor1d([0, 0], 'int32');
      const a = tf.tensor1d([1, 1]);
      const code = tf.tensor1d(CODE);
      expect(() => dequantize4bit(packed, a, code, { shape: [4, 8], blocksize: 16 })).toThrow(
        /packed must be int32 \[4\]/,
      );
      expect(() => dequantize4bit(packed, a, code, { shape: [16], blocksize: 4 })).toThrow(
        /absmax must be float32 \[4\]/,
      );
      expect(() => dequantizeInt8(packed, a, [3, 3])).toThrow(/packed must be int32 \[3\]/);
      tf.dispose([packed, a, code]);
    }));
});
