import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { crossEntropy } from './cross-entropy.js';
import { tokenLogprobs } from './token-logprobs.js';
import { tokenLogprobsReference } from './token-logprobs-reference.js';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(closeness(actual, expected, atol, rtol)).toBeLessThanOrEqual(1);
}

const FIXTURE = new URL('./fixtures/torch-cross-entropy.json', import.meta.url);

describe.each(['cpu', 'wasm'])('tokenLogprobs on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('matches the composite reference in value and gradient', () => {
    const before = tf.memory().numTensors;
    const logits = tf.randomNormal([6, 11], 0, 3, 'float32', 1);
    const labels = tf.tensor1d([10, -100, 0, 3, -100, 6], 'int32');
    const w = tf.randomNormal([6], 0, 1, 'float32', 2);
    for (const fn of [tokenLogprobs, tokenLogprobsReference]) {
      const lp = fn(logits, labels);
      expect([lp.dtype, lp.shape]).toEqual(['float32', [6]]);
      lp.dispose();
    }
    const run = (fn: typeof tokenLogprobs) => ({
      value: tf.tidy(() => fn(logits, labels).dataSync()),
      grad: tf.tidy(() =>
        tf
          .grad((x) => tf.sum(tf.mul(fn(x, labels), w)))(logits)
          .dataSync(),
      ),
    });
    const fused = run(tokenLogprobs);
    const ref = run(tokenLogprobsReference);
    expectClose(fused.value, ref.value);
    expectClose(fused.grad, ref.grad);
    tf.dispose([logits, labels, w]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has a gradient that matches central finite differences', () => {
    const logits = tf.randomNormal([4, 5], 0, 1, 'float32', 3);
    const labels = tf.tensor1d([4, 0, -100, 2], 'int32');
    const w = tf.randomNormal([4], 0, 1, 'float32', 4);
    const f = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tokenLogprobs(x, labels), w));
    const analytic = tf.tidy(() => tf.grad(f)(logits).dataSync());
    expectClose(analytic, numericGrad(f, [logits], 0, 1e-2), 1e-3, 1e-2);
    tf.dispose([logits, labels, w]);
  });

  it('is a distribution over the labels: the probabilities of all V labels sum to 1', () => {
    const vocab = 9;
    const row = tf.randomNormal([1, vocab], 0, 4, 'float32', 5);
    const logits = tf.tile(row, [vocab, 1]);
    const labels = tf.range(0, vocab, 1, 'int32');
    const lp = tokenLogprobs(logits, labels);
    expect(Array.from(lp.dataSync()).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 6);
    tf.dispose([row, logits, labels, lp]);
  });

  it('gives -ln V for uniform logits, 0 at ignored rows, and sums to minus the summed cross-entropy', () => {
    const vocab = 6;
    const logits = tf.randomNormal([5, vocab], 0, 2, 'float32', 6);
    const uniform = tf.zeros([5, vocab]);
    const labels = tf.tensor1d([2, -100, 5, 0, -100], 'int32');
    const u = tokenLogprobs(uniform, labels).dataSync();
    expectClose(
      u,
      [2, -100, 5, 0, -100].map((y) => (y === -100 ? 0 : -Math.log(vocab))),
      1e-6,
      1e-6,
    );
    const total = tf.sum(tokenLogprobs(logits, labels));
    const ce = crossEntropy(logits, labels, { reduction: 'sum' });
    expect(total.dataSync()[0]).toBeCloseTo(-ce.dataSync()[0]!, 4);
    tf.dispose([logits, uniform, labels, total, ce]);
  });

  it('frees every intermediate of forward and backward', () => {
    const logits = tf.randomNormal([4, 6], 0, 1, 'float32', 7);
    const labels = tf.tensor1d([1, -100, 5, 0], 'int32');
    const before = tf.memory().numTensors;
    const lp = tokenLogprobs(logits, labels);
    const grad = tf.grad((x) => tf.sum(tokenLogprobs(x, labels)))(logits);
    tf.dispose([lp, grad]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });

  it('rejects bad shapes, dtypes and labels with a message naming them', () => {
    const logits = tf.zeros([2, 3]);
    expect(() => tokenLogprobs(tf.zeros([2, 3, 1]), tf.tensor1d([0, 1], 'int32'))).toThrow(
      /tokenLogprobs: logits must be float32 \[tokens, vocab\], got \[2,3,1\] float32/,
    );
    expect(() => tokenLogprobs(logits, tf.tensor2d([[0, 1]], undefined, 'int32'))).toThrow(
      /tokenLogprobs: labels must be int32 \[2\].*got \[1,2\] int32/,
    );
    expect(() => tokenLogprobs(logits, tf.tensor1d([0, 3], 'int32'))).toThrow(
      /TokenLogprobs: label 3 at row 1 is outside \[0, 3\)/,
    );
    tf.dispose(logits);
  });

  describe.skipIf(!existsSync(FIXTURE))(
    'against PyTorch float64 goldens (fixtures/torch-cross-entropy.json)',
    () => {
      interface TorchCase {
        n: number;
        vocab: number;
        logits: number[];
        labels: number[];
        logprobs: number[];
      }
      const cases = existsSync(FIXTURE)
        ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: TorchCase[] }).cases
        : [];

      it.each(cases.map((c, i) => ({ ...c, name: `case ${i}` })))('$name: n=$n vocab=$vocab', (c) => {
        const logits = tf.tensor2d(c.logits, [c.n, c.vocab]);
        const labels = tf.tensor1d(c.labels, 'int32');
        const lp = tokenLogprobs(logits, labels);
        expectClose(lp.dataSync(), c.logprobs);
        tf.dispose([logits, labels, lp]);
      });
    },
  );
});
