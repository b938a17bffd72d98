import { expectNoLeak, Generator, loraLinear, tf, valueAndGrads } from '@medgpt/core-tensor';
import { FourBitWeight } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizedLoraLinear } from './quantized-lora-linear.js';

/** Deterministic bytes (a 32-bit LCG). */
function bytes(count: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
}

const [T, IN, OUT, R] = [7, 96, 40, 4];

/** A trainable variable of `t`'s values (t is disposed). */
function variable<R extends tf.Rank>(t: tf.Tensor<R>, name: string): tf.Variable<R> {
  const v = tf.variable(t, true, name);
  t.dispose();
  return v;
}
const values = (n: number, seed: number, scale: number) =>
  Float32Array.from(bytes(n, seed), (b) => ((b - 127.5) / 128) * scale);

function weight(): FourBitWeight {
  return new FourBitWeight({
    format: 'nf4',
    shape: [OUT, IN],
    packed: bytes((OUT * IN) / 2, 3),
    absmax: Float32Array.from(bytes((OUT * IN) / 64, 4), (b) => 0.02 + b / 2000),
    code: Float32Array.from({ length: 16 }, (_, i) => (i - 7.5) / 7.5),
    blocksize: 64,
    dtype: 'bfloat16',
  });
}

describe.each(['cpu', 'wasm'])('quantizedLoraLinear on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  for (const rate of [0, 0.25]) {
    it(`equals loraLinear over the dequantised weight: y and dx, dA, dB, bias${rate ? ', dropout' : ''}`, () =>
      expectNoLeak(() => {
        const q = weight();
        const dense = q.dequantize();
        const x = tf.tensor2d(values(T * IN, 5, 1), [T, IN]);
        const a = variable(tf.tensor2d(values(R * IN, 6, 0.1), [R, IN]), `qll-a-${backend}-${rate}`);
        const b = variable(tf.tensor2d(values(OUT * R, 7, 0.1), [OUT, R]), `qll-b-${backend}-${rate}`);
        const bias = tf.tensor1d(values(OUT, 8, 0.5));
        const dy = tf.tensor2d(values(T * OUT, 9, 1), [T, OUT]);
        const run = (f: (x: tf.Tensor2D) => tf.Tensor2D) => {
          const { value, grads } = valueAndGrads(() => tf.sum(tf.mul(f(x), dy)) as tf.Scalar, [a, b]);
          const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor2D), dy)))(x);
          const out = [value, dx, grads[a.name]!, grads[b.name]!].map((t) => Array.from(t.dataSync()));
          tf.dispose([value, dx, ...Object.values(grads)]);
          return out;
        };
        const opts = (seed: number) => ({
          bias,
          scale: 2,
          dropout: rate > 0 ? { rate, rng: new Generator(seed) } : undefined,
        });
        // Each run draws its dropout masks from a generator of the same seed: the same masks.
        let s1 = 11;
        let s2 = 11;
        const ours = run((xx) => quantizedLoraLinear(xx, q, a, b, opts(s1++)));
        const ref = run((xx) => loraLinear(xx, dense, a, b, opts(s2++)));
        expect(ours).toEqual(ref);
        tf.dispose([dense, x, a, b, bias, dy]);
        q.dispose();
      }));
  }

  it('a trainable bias gets its gradient', () =>
    expectNoLeak(() => {
      const q = weight();
      const x = tf.tensor2d(values(T * IN, 5, 1), [T, IN]);
      const a = variable(tf.tensor2d(values(R * IN, 6, 0.1), [R, IN]), `qll-ba-${backend}`);
      const b = variable(tf.zeros([OUT, R]) as tf.Tensor2D, `qll-bb-${backend}`);
      const bias = variable(tf.zeros([OUT]) as tf.Tensor1D, `qll-bias-${backend}`);
      const { value, grads } = valueAndGrads(
        () => tf.sum(quantizedLoraLinear(x, q, a, b, { bias, scale: 1 })) as tf.Scalar,
        [a, b, bias],
      );
      expect(Array.from(grads[bias.name]!.dataSync())).toEqual(new Array(OUT).fill(T));
      tf.dispose([value, ...Object.values(grads), x, a, b, bias]);
      q.dispose();
    }));

  it('refuses an input of the wrong width', () => {
    const q = weight();
    const x = tf.zeros([T, IN + 1]) as tf.Tensor2D;
    const a = tf.zeros([R, IN]) as tf.Tensor2D;
    const b = tf.zeros([OUT, R]) as tf.Tensor2D;
    expect(() => quantizedLoraLinear(x, q, a, b, { scale: 1 })).toThrow(/x must be \[tokens, 96\]/);
    tf.dispose([x, a, b]);
    q.dispose();
  });
});
