import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { countLabels } from './count-labels.js';
import { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
import { crossEntropyReference } from './cross-entropy-reference.js';

type LossFn = typeof crossEntropy;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(closeness(actual, expected, atol, rtol)).toBeLessThanOrEqual(1);
}

/** Loss value and d(2.5 * loss)/dlogits, so a wrong dy scaling shows. */
function lossAndGrad(fn: LossFn, logits: tf.Tensor, labels: tf.Tensor, opts: CrossEntropyOptions) {
  const loss = tf.tidy(() => fn(logits, labels, opts).dataSync()[0]!);
  const grad = tf.tidy(() =>
    tf
      .grad((x) => tf.mul(fn(x, labels, opts), 2.5))(logits)
      .dataSync(),
  );
  return { loss, grad };
}

const FIXTURE = new URL('./fixtures/torch-cross-entropy.json', import.meta.url);

describe.each(['cpu', 'wasm'])('crossEntropy on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each(['mean', 'sum'] as const)(
    'matches the composite reference in value and gradient (%s)',
    (reduction) => {
      const before = tf.memory().numTensors;
      const logits = tf.randomNormal([7, 13], 0, 3, 'float32', 1);
      const labels = tf.tensor1d([3, -100, 0, 12, 5, -100, 7], 'int32');
      const fused = lossAndGrad(crossEntropy, logits, labels, { reduction });
      const ref = lossAndGrad(crossEntropyReference, logits, labels, { reduction });
      expectClose([fused.loss], [ref.loss]);
      expectClose(fused.grad, ref.grad);
      tf.dispose([logits, labels]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('has a gradient that matches central finite differences', () => {
    const logits = tf.randomNormal([4, 5], 0, 1, 'float32', 2);
    const labels = tf.tensor1d([4, 0, -1, 2], 'int32');
    const opts = { ignoreIndex: -1 };
    const analytic = tf.tidy(() =>
      tf
        .grad((x) => crossEntropy(x, labels, opts))(logits)
        .dataSync(),
    );
    const numeric = numericGrad((x) => crossEntropy(x!, labels, opts), [logits], 0, 1e-2);
    expectClose(analytic, numeric, 1e-3, 1e-2);
    tf.dispose([logits, labels]);
  });

  it('gives ln V and (1/V - onehot) / count for uniform logits (closed form)', () => {
    const [n, vocab] = [5, 8];
    const ys = [1, -100, 7, 0, -100];
    const logits = tf.fill([n, vocab], 0.3);
    const labels = tf.tensor1d(ys, 'int32');
    const loss = crossEntropy(logits, labels);
    const grad = tf.grad((x) => crossEntropy(x, labels))(logits);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(vocab), 6);
    const count = ys.filter((y) => y !== -100).length;
    const expected = new Float32Array(n * vocab);
    ys.forEach((y, i) => {
      if (y === -100) return;
      for (let j = 0; j < vocab; j++) expected[i * vocab + j] = (1 / vocab - (j === y ? 1 : 0)) / count;
    });
    expectClose(grad.dataSync(), expected, 1e-7, 1e-5);
    tf.dispose([logits, labels, loss, grad]);
  });

  it("'sum' is 'mean' times countLabels", () => {
    const logits = tf.randomNormal([6, 9], 0, 2, 'float32', 3);
    const labels = tf.tensor1d([8, -100, 0, 4, -100, 2], 'int32');
    const mean = crossEntropy(logits, labels);
    const sum = crossEntropy(logits, labels, { reduction: 'sum' });
    const count = countLabels(labels);
    expect(count.dtype).toBe('int32');
    expect(count.dataSync()[0]).toBe(4);
    expect(sum.dataSync()[0]).toBeCloseTo(mean.dataSync()[0]! * 4, 4);
    tf.dispose([logits, labels, mean, sum, count]);
  });

  it('returns 0 with zero gradient when every label is ignored', () => {
    const logits = tf.randomNormal([3, 4], 0, 1, 'float32', 4);
    const labels = tf.tensor1d([-100, -100, -100], 'int32');
    const loss = crossEntropy(logits, labels);
    const grad = tf.grad((x) => crossEntropy(x, labels))(logits);
    expect(loss.dataSync()[0]).toBe(0);
    expect(Array.from(grad.dataSync())).toEqual(new Array(12).fill(0));
    tf.dispose([logits, labels, loss, grad]);
  });

  it('stays finite and shift-invariant for large logits', () => {
    const base = tf.randomNormal([3, 6], 0, 1, 'float32', 5);
    const shifted = tf.add(base, 1000);
    const labels = tf.tensor1d([0, 5, 2], 'int32');
    const a = crossEntropy(base, labels);
    const b = crossEntropy(shifted, labels);
    expect(Number.isFinite(b.dataSync()[0])).toBe(true);
    // float32 keeps ~6e-5 absolute precision at 1000.
    expect(b.dataSync()[0]).toBeCloseTo(a.dataSync()[0]!, 3);
    tf.dispose([base, shifted, labels, a, b]);
  });

  it('frees every intermediate of forward and backward', () => {
    const logits = tf.randomNormal([4, 6], 0, 1, 'float32', 6);
    const labels = tf.tensor1d([1, -100, 5, 0], 'int32');
    const before = tf.memory().numTensors;
    const loss = crossEntropy(logits, labels);
    const grad = tf.grad((x) => crossEntropy(x, labels, { reduction: 'sum' }))(logits);
    tf.dispose([loss, grad]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });

  it('rejects bad shapes, dtypes, labels and options with a message naming them', () => {
    const logits = tf.zeros([3, 5]);
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    const outOfRange = tf.tensor1d([0, 5, 2], 'int32');
    const negative = tf.tensor1d([0, -1, 2], 'int32');
    const floatLabels = tf.tensor1d([0, 1, 2]);
    const short = tf.tensor1d([0, 1], 'int32');
    expect(() => crossEntropy(tf.zeros([15]), labels)).toThrow(
      /crossEntropy: logits must be float32 \[tokens, vocab\], got \[15\]/,
    );
    expect(() => crossEntropy(logits, floatLabels)).toThrow(
      /crossEntropy: labels must be int32 \[3\].*got \[3\] float32/,
    );
    expect(() => crossEntropy(logits, short)).toThrow(/labels must be int32 \[3\].*got \[2\] int32/);
    expect(() => crossEntropy(logits, outOfRange)).toThrow(
      /label 5 at row 1 is outside \[0, 5\) and is not ignoreIndex \(-100\)/,
    );
    expect(() => crossEntropy(logits, negative)).toThrow(/label -1 at row 1 is outside/);
    expect(() => crossEntropy(logits, labels, { reduction: 'none' as 'sum' })).toThrow(
      /reduction must be 'mean' or 'sum', got 'none'/,
    );
    expect(() => crossEntropy(logits, labels, { ignoreIndex: 0.5 })).toThrow(
      /ignoreIndex must be an integer/,
    );
    tf.dispose([logits, labels, outOfRange, negative, floatLabels, short]);
  });

  describe.skipIf(!existsSync(FIXTURE))(
    'against PyTorch float64 goldens (fixtures/torch-cross-entropy.json)',
    () => {
      interface TorchCase {
        n: number;
        vocab: number;
        logits: number[];
        labels: number[];
        loss: number;
        dlogits: number[];
      }
      const cases = existsSync(FIXTURE)
        ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: TorchCase[] }).cases
        : [];

      it.each(cases.map((c, i) => ({ ...c, name: `case ${i}` })))('$name: n=$n vocab=$vocab', (c) => {
        const logits = tf.tensor2d(c.logits, [c.n, c.vocab]);
        const labels = tf.tensor1d(c.labels, 'int32');
        const loss = crossEntropy(logits, labels);
        const grad = tf.grad((x) => crossEntropy(x, labels))(logits);
        expectClose(loss.dataSync(), [c.loss]);
        expectClose(grad.dataSync(), c.dlogits, 1e-6, 1e-4);
        tf.dispose([logits, labels, loss, grad]);
      });
    },
  );
});
