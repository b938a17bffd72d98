import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, setLogitsChunkElements, tf, valueAndGrads } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { linearTokenLogprobs } from './linear-token-logprobs.js';
import { tokenLogprobsReference } from './token-logprobs-reference.js';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(closeness(actual, expected, atol, rtol)).toBeLessThanOrEqual(1);
}

type Logprobs = (h: tf.Tensor, w: tf.Tensor) => tf.Tensor1D;

/** Runs `f` and counts its BatchMatMul kernels. */
function countMatMuls<T>(f: () => T): { result: T; matMuls: number } {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let matMuls = 0;
  engine.runKernel = (name, ...rest) => {
    if (name === 'BatchMatMul') matMuls++;
    return runKernel.call(engine, name, ...rest);
  };
  try {
    return { result: f(), matMuls };
  } finally {
    engine.runKernel = runKernel;
  }
}

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
  it('takes its default chunk from the setting for the active backend', () => {
    const h = tf.randomNormal([5, 3], 0, 1, 'float32', 9);
    const w = tf.randomNormal([6, 3], 0, 1, 'float32', 10);
    const labels = tf.tensor1d([0, -100, 5, 1, 2], 'int32');
    const run = () =>
      expectNoLeak(() => {
        const { result, matMuls } = countMatMuls(() => linearTokenLogprobs(h, w, labels));
        const values = result.dataSync();
        result.dispose();
        return { values, matMuls };
      });
    try {
      const whole = run();
      setLogitsChunkElements(backend, 2 * 6); // 2 rows of vocab 6
      const chunked = run();
      expect([whole.matMuls, chunked.matMuls]).toEqual([1, 3]);
      expectClose(chunked.values, whole.values);
    } finally {
      setLogitsChunkElements(backend, null);
      tf.dispose([h, w, labels]);
    }
  });

  it('under valueAndGrads, skips the dweight matMuls of a frozen weight; dhidden bit-identical', () => {
    // 5 rows in chunks of 2: 3 chunks; forward 3 matMuls, backward 3 recomputed + 3 per gradient.
    const run = (trainW: boolean) =>
      expectNoLeak(() => {
        const labels = tf.tensor1d([0, -100, 5, 1, 2], 'int32');
        const dy = tf.randomNormal([5], 0, 1, 'float32', 11);
        const h = tf.tidy(() => tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 12), true, 'h'));
        const w = tf.tidy(() => tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 13), trainW, 'w'));
        const f = () => tf.sum(tf.mul(linearTokenLogprobs(h, w, labels, { chunkSize: 2 }), dy)) as tf.Scalar;
        const { result, matMuls } = countMatMuls(() => valueAndGrads(f, trainW ? [h, w] : [h]));
        const dh = result.grads['h']!.dataSync();
        const hasDw = 'w' in result.grads;
        tf.dispose([result.value, ...Object.values(result.grads), h, w, labels, dy]);
        return { matMuls, dh, hasDw };
      });
    const both = run(true);
    const hiddenOnly = run(false);
    expect([both.matMuls, both.hasDw]).toEqual([3 + 9, true]);
    expect([hiddenOnly.matMuls, hiddenOnly.hasDw]).toEqual([3 + 6, false]);
    expect(hiddenOnly.dh).toEqual(both.dh);
  });
});
