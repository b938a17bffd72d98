import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { linearTokenLogprobs } from './linear-token-logprobs.js';
import { tokenLogprobsReference } from './token-logprobs-reference.js';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(closeness(actual, expected, atol, rtol)).toBeLessThanOrEqual(1);
}

type Logprobs = (h: tf.Tensor, w: tf.Tensor) => tf.Tensor1D;

describe.each(['cpu', 'wasm'])('linearTokenLogprobs on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each([{ chunkSize: 2 }, { chunkSize: undefined }])(
    'matches matMul + token log-probs in value and gradients (chunkSize $chunkSize)',
    ({ chunkSize }) => {
      const before = tf.memory().numTensors;
      const h = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
      const w = tf.randomNormal([11, 5], 0, 1, 'float32', 2);
      const labels = tf.tensor1d([3, -100, 0, 10, 5, -100, 7], 'int32');
      const dy = tf.randomNormal([7], 0, 1, 'float32', 3);
      const run = (f: Logprobs) => ({
        value: tf.tidy(() => f(h, w).dataSync()),
        grads: tf.tidy(() =>
          tf
            .grads((a, b) => tf.sum(tf.mul(f(a!, b!), dy)))([h, w])
            .map((g) => g.dataSync()),
        ),
      });
      const fused = run((a, b) => linearTokenLogprobs(a, b, labels, { chunkSize }));
      const ref = run((a, b) => tf.tidy(() => tokenLogprobsReference(tf.matMul(a, b, false, true), labels)));
      expectClose(fused.value, ref.value);
      expectClose(fused.grads[0]!, ref.grads[0]!);
      expectClose(fused.grads[1]!, ref.grads[1]!);
      tf.dispose([h, w, labels, dy]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('has gradients that match central finite differences', () => {
    const h = tf.randomNormal([3, 2], 0, 1, 'float32', 4);
    const w = tf.randomNormal([4, 2], 0, 1, 'float32', 5);
    const labels = tf.tensor1d([1, -100, 0], 'int32');
    const dy = tf.randomNormal([3], 0, 1, 'float32', 6);
    const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(linearTokenLogprobs(a, b, labels, { chunkSize: 2 }), dy));
    const analytic = tf.tidy(() =>
      tf
        .grads(f)([h, w])
        .map((g) => g.dataSync()),
    );
    expectClose(analytic[0]!, numericGrad(f, [h, w], 0), 1e-3, 1e-2);
    expectClose(analytic[1]!, numericGrad(f, [h, w], 1), 1e-3, 1e-2);
    tf.dispose([h, w, labels, dy]);
  });

  it('gives 0 at ignored rows and frees every intermediate', () => {
    const h = tf.randomNormal([5, 3], 0, 1, 'float32', 7);
    const w = tf.randomNormal([6, 3], 0, 1, 'float32', 8);
    const labels = tf.tensor1d([0, -100, 5, -100, 2], 'int32');
    const before = tf.memory().numTensors;
    const lp = linearTokenLogprobs(h, w, labels, { chunkSize: 2 });
    const values = lp.dataSync();
    expect([values[1], values[3]]).toEqual([0, 0]);
    expect(values[0]).toBeLessThan(0);
    const grads = tf.grads((a, b) => tf.sum(linearTokenLogprobs(a!, b!, labels, { chunkSize: 2 })))([h, w]);
    tf.dispose([lp, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([h, w, labels]);
  });

  it('rejects inconsistent shapes with a message naming them', () => {
    const h = tf.zeros([4, 3]);
    const labels = tf.zeros([4], 'int32');
    expect(() => linearTokenLogprobs(h, tf.zeros([6, 2]), labels)).toThrow(
      /linearTokenLogprobs: weight must be float32 \[vocab, 3\] \(HF Linear layout\), got \[6,2\] float32/,
    );
    expect(() => linearTokenLogprobs(h, tf.zeros([6, 3]), tf.zeros([4]))).toThrow(
      /labels must be int32 \[4\].*float32/,
    );
    tf.dispose([h, labels]);
  });
});
