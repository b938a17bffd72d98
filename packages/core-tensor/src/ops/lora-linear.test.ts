import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { Generator } from '../random/generator.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { loraLinear, loraLinearReference, type LoraLinearOptions } from './lora-linear.js';

type Op = typeof loraLinear;
const [T, IN, OUT, R] = [7, 6, 5, 3];

function inputs(seed: number) {
  return {
    x: tf.randomNormal([T, IN], 0, 1, 'float32', seed) as tf.Tensor2D,
    w: tf.randomNormal([OUT, IN], 0, 0.5, 'float32', seed + 1) as tf.Tensor2D,
    a: tf.randomNormal([R, IN], 0, 0.5, 'float32', seed + 2) as tf.Tensor2D,
    b: tf.randomNormal([OUT, R], 0, 0.5, 'float32', seed + 3) as tf.Tensor2D,
    bias: tf.randomNormal([OUT], 0, 1, 'float32', seed + 4) as tf.Tensor1D,
    c: tf.randomNormal([T, OUT], 0, 1, 'float32', seed + 5),
  };
}

// A fresh generator per call fixes the dropout mask, so finite differences see one function.
function lossOf(op: Op, c: tf.Tensor, options: (rng: Generator) => LoraLinearOptions) {
  return (x: tf.Tensor, w: tf.Tensor, a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor): tf.Scalar =>
    tf.sum(
      tf.mul(
        op(x as tf.Tensor2D, w as tf.Tensor2D, a as tf.Tensor2D, b as tf.Tensor2D, {
          ...options(new Generator(11)),
          bias: bias as tf.Tensor1D,
        }),
        c,
      ),
    );
}

describe.each(['cpu', 'wasm'])('loraLinear on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('matches the composite x Wᵀ + b + s·(x Aᵀ) Bᵀ, with and without bias', () =>
    expectNoLeak(() => {
      const { x, w, a, b, bias, c } = inputs(1);
      for (const withBias of [false, true]) {
        const options = { scale: 2.5, bias: withBias ? bias : undefined };
        const y = loraLinear(x, w, a, b, options);
        const ref = loraLinearReference(x, w, a, b, options);
        expect(y.shape).toEqual([T, OUT]);
        expect(closeness(y.dataSync(), ref.dataSync(), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
        tf.dispose([y, ref]);
      }
      tf.dispose([x, w, a, b, bias, c]);
    }));

  it('applies dropout to the low-rank path only, with the mask core-tensor dropout draws', () =>
    expectNoLeak(() => {
      const { x, w, a, b, bias, c } = inputs(2);
      const [g1, g2] = [new Generator(5), new Generator(5)];
      const y = loraLinear(x, w, a, b, { scale: 1.5, dropout: { rate: 0.4, rng: g1 } });
      const ref = loraLinearReference(x, w, a, b, { scale: 1.5, dropout: { rate: 0.4, rng: g2 } });
      expect(closeness(y.dataSync(), ref.dataSync(), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      expect(g1.offset).toBe(g2.offset);
      // The base path is not dropped: with B = 0 the output is x Wᵀ exactly as without dropout.
      const zeroB = tf.zerosLike(b) as tf.Tensor2D;
      const dropped = loraLinear(x, w, a, zeroB, { scale: 1.5, dropout: { rate: 0.9, rng: g1 } });
      const plain = tf.matMul(x, w, false, true);
      expect(closeness(dropped.dataSync(), plain.dataSync(), 1e-6, 1e-6)).toBeLessThanOrEqual(1);
      tf.dispose([x, w, a, b, bias, c, y, ref, zeroB, dropped, plain]);
    }));

  for (const rate of [0, 0.3]) {
    it(`has gradients for x, A, B, W and b matching finite differences and autograd (dropout ${rate})`, () =>
      expectNoLeak(() => {
        const { x, w, a, b, bias, c } = inputs(3);
        const options = (rng: Generator): LoraLinearOptions => ({
          scale: 0.75,
          dropout: rate > 0 ? { rate, rng } : undefined,
        });
        const fused = lossOf(loraLinear, c, options);
        const args = [x, w, a, b, bias];
        const ours = tf.grads(fused)(args);
        const ref = tf.grads(lossOf(loraLinearReference, c, options))(args);
        ours.forEach((g, i) => {
          expect(g.shape).toEqual(args[i]!.shape);
          expect(closeness(g.dataSync(), ref[i]!.dataSync(), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
          expect(closeness(g.dataSync(), numericGrad(fused, args, i), 3e-3, 1e-2)).toBeLessThanOrEqual(1);
        });
        tf.dispose([...args, c, ...ours, ...ref]);
      }));
  }

  it('trains only the adapter: variableGrads over A and B leaves the frozen weight alone', () =>
    expectNoLeak(() => {
      const { x, w, a, b, bias, c } = inputs(4);
      const va = tf.variable(a, true, `lora_A_${backend}`);
      const vb = tf.variable(b, true, `lora_B_${backend}`);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(loraLinear(x, w, va, vb, { scale: 2, bias }), c)),
        [va, vb],
      );
      expect(Object.keys(grads).sort()).toEqual([va.name, vb.name].sort());
      tf.dispose([x, w, a, b, bias, c, va, vb, value, ...Object.values(grads)]);
    }));

  it('keeps x·Aᵀ [T, r] for the backward, not the [T, out] intermediates of the composite', () =>
    expectNoLeak(() => {
      const { x, w, a, b, bias, c } = inputs(5);
      const savedBytes = (op: Op) => {
        let during = 0;
        const before = tf.memory().numBytes;
        const g = tf.grads((xa: tf.Tensor) => {
          const y = tf.sum(tf.mul(op(xa as tf.Tensor2D, w, a, b, { scale: 1 }), c)) as tf.Scalar;
          during = tf.memory().numBytes - before;
          return y;
        })([x]);
        tf.dispose(g);
        return during;
      };
      const fused = savedBytes(loraLinear);
      const composite = savedBytes(loraLinearReference);
      // Both keep y and the loss; the composite also keeps x Wᵀ, the [T, r] and the [T, out] products.
      expect(fused).toBeLessThan(composite);
      tf.dispose([x, w, a, b, bias, c]);
    }));

  it('rejects bad arguments naming the op, argument and shapes', () =>
    expectNoLeak(() => {
      const { x, w, a, b, bias, c } = inputs(6);
      const aWrong = tf.zeros([R, IN + 1]) as tf.Tensor2D;
      const bWrong = tf.zeros([OUT, R + 1]) as tf.Tensor2D;
      expect(() => loraLinear(x, w, aWrong, b, { scale: 1 })).toThrow(
        `loraLinear: loraA must be [r, ${IN}] with r > 0, got [${R},${IN + 1}]`,
      );
      expect(() => loraLinear(x, w, a, bWrong, { scale: 1 })).toThrow(
        `loraLinear: loraB must be [${OUT}, ${R}], got [${OUT},${R + 1}]`,
      );
      expect(() => loraLinear(x, w, a, b, { scale: 1, dropout: { rate: 1, rng: new Generator() } })).toThrow(
        'loraLinear: dropout rate must be in [0, 1), got 1',
      );
      const wWrong = tf.zeros([OUT, IN + 1]) as tf.Tensor2D;
      expect(() => loraLinear(x, wWrong, a, b, { scale: 1 })).toThrow(
        `loraLinear: weight must be [out, ${IN}] (torch layout), got [${OUT},${IN + 1}]`,
      );
      tf.dispose([x, w, a, b, bias, c, aWrong, bWrong, wWrong]);
    }));
});
