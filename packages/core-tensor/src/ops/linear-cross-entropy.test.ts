import { beforeAll, describe, expect, it } from 'vitest';
import { checkpoint, expectNoLeak, tf, valueAndGrads } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import type { CrossEntropyOptions } from './cross-entropy.js';
import { crossEntropyReference } from './cross-entropy-reference.js';
import { LOGITS_PER_CHUNK, logitsChunkElements, setLogitsChunkElements } from './linear-chunks.js';
import { linearCrossEntropy } from './linear-cross-entropy.js';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(closeness(actual, expected, atol, rtol)).toBeLessThanOrEqual(1);
}

type Loss = (h: tf.Tensor, w: tf.Tensor) => tf.Scalar;

/** The composite oracle: full logits by matMul, then the stock-ops cross-entropy. */
const composite =
  (labels: tf.Tensor, opts: CrossEntropyOptions): Loss =>
  (h, w) =>
    tf.tidy(() => crossEntropyReference(tf.matMul(h, w, false, true), labels, opts));

/** Loss value and the gradients of 2.5 * loss, so a wrong dy scaling shows. */
function lossAndGrads(loss: Loss, h: tf.Tensor, w: tf.Tensor) {
  const value = tf.tidy(() => loss(h, w).dataSync()[0]!);
  const [dh, dw] = tf.tidy(() =>
    tf
      .grads((a, b) => tf.mul(loss(a!, b!), 2.5))([h, w])
      .map((g) => g.dataSync()),
  );
  return { value, dh: dh!, dw: dw! };
}

/** Runs `f` and counts the kernels it dispatches, by name. */
function countKernels<T>(f: () => T): { result: T; kernels: Map<string, number> } {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  const kernels = new Map<string, number>();
  engine.runKernel = (name, ...rest) => {
    kernels.set(name, (kernels.get(name) ?? 0) + 1);
    return runKernel.call(engine, name, ...rest);
  };
  try {
    return { result: f(), kernels };
  } finally {
    engine.runKernel = runKernel;
  }
}

describe.each(['cpu', 'wasm'])('linearCrossEntropy on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  const labelValues = [3, -100, 0, 10, 5, -100, 7];
  it.each([
    { reduction: 'mean' as const, chunkSize: 3 },
    { reduction: 'sum' as const, chunkSize: 3 },
    { reduction: 'mean' as const, chunkSize: undefined },
  ])('matches matMul + cross-entropy in value and gradients ($reduction, chunkSize $chunkSize)', (c) => {
    const before = tf.memory().numTensors;
    const h = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
    const w = tf.randomNormal([11, 5], 0, 1, 'float32', 2);
    const labels = tf.tensor1d(labelValues, 'int32');
    const fused = lossAndGrads((a, b) => linearCrossEntropy(a, b, labels, c), h, w);
    const ref = lossAndGrads(composite(labels, c), h, w);
    expectClose([fused.value], [ref.value]);
    expectClose(fused.dh, ref.dh);
    expectClose(fused.dw, ref.dw);
    tf.dispose([h, w, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has gradients that match central finite differences', () => {
    const h = tf.randomNormal([3, 2], 0, 1, 'float32', 3);
    const w = tf.randomNormal([4, 2], 0, 1, 'float32', 4);
    const labels = tf.tensor1d([1, 3, 0], 'int32');
    const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
      linearCrossEntropy(a, b, labels, { chunkSize: 2 });
    const analytic = tf.tidy(() =>
      tf
        .grads(loss)([h, w])
        .map((g) => g.dataSync()),
    );
    expectClose(analytic[0]!, numericGrad(loss, [h, w], 0), 1e-3, 1e-2);
    expectClose(analytic[1]!, numericGrad(loss, [h, w], 1), 1e-3, 1e-2);
    tf.dispose([h, w, labels]);
  });

  it('returns 0 with zero gradients when every label is ignored', () => {
    const h = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
    const w = tf.randomNormal([6, 3], 0, 1, 'float32', 6);
    const labels = tf.fill([4], -100, 'int32');
    const loss = linearCrossEntropy(h, w, labels, { chunkSize: 3 });
    const [dh, dw] = tf.grads((a, b) => linearCrossEntropy(a!, b!, labels, { chunkSize: 3 }))([h, w]);
    expect(loss.dataSync()[0]).toBe(0);
    expect(dh!.dataSync().every((x) => x === 0) && dw!.dataSync().every((x) => x === 0)).toBe(true);
    tf.dispose([h, w, labels, loss, dh!, dw!]);
  });

  it('never holds the full [N, V] logits, in the forward or the backward', () => {
    const [n, hiddenSize, vocab] = [256, 4, 64];
    const h = tf.randomNormal([n, hiddenSize], 0, 1, 'float32', 7);
    const w = tf.randomNormal([vocab, hiddenSize], 0, 1, 'float32', 8);
    const labels = tf.randomUniformInt([n], 0, vocab, 9);
    const logitsBytes = 4 * n * vocab;
    const peakAbove = async (f: () => tf.Tensor | tf.Tensor[]): Promise<number> => {
      const start = tf.memory().numBytes;
      const info = await tf.profile(() => {
        tf.dispose(f());
        return [];
      });
      return info.peakBytes - start;
    };
    const fused: Loss = (a, b) => linearCrossEntropy(a, b, labels, { chunkSize: 16 });
    const ref = composite(labels, {});
    const run = (loss: Loss) => () => tf.grads((a, b) => loss(a!, b!))([h, w]);
    return (async () => {
      expect(await peakAbove(() => fused(h, w))).toBeLessThan(logitsBytes / 2);
      expect(await peakAbove(run(fused))).toBeLessThan(logitsBytes / 2);
      // The oracle materialises the logits: the measure can tell.
      expect(await peakAbove(run(ref))).toBeGreaterThan(logitsBytes);
      tf.dispose([h, w, labels]);
    })();
  });

  it('frees every intermediate of forward and backward', () => {
    const h = tf.randomNormal([5, 3], 0, 1, 'float32', 10);
    const w = tf.randomNormal([6, 3], 0, 1, 'float32', 11);
    const labels = tf.tensor1d([0, 5, -100, 2, 1], 'int32');
    const before = tf.memory().numTensors;
    const loss = linearCrossEntropy(h, w, labels, { chunkSize: 2 });
    const grads = tf.grads((a, b) => linearCrossEntropy(a!, b!, labels, { chunkSize: 2, reduction: 'sum' }))([
      h,
      w,
    ]);
    tf.dispose([loss, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([h, w, labels]);
  });

  it('rejects inconsistent shapes and options with a message naming them', () => {
    const h = tf.zeros([4, 3]);
    const w = tf.zeros([6, 3]);
    const labels = tf.zeros([4], 'int32');
    expect(() => linearCrossEntropy(h, tf.zeros([3, 6]), labels)).toThrow(
      /linearCrossEntropy: weight must be float32 \[vocab, 3\] \(HF Linear layout\), got \[3,6\] float32/,
    );
    expect(() => linearCrossEntropy(tf.zeros([4]), w, labels)).toThrow(
      /hidden must be float32 \[tokens >= 1, hidden\], got \[4\]/,
    );
    expect(() => linearCrossEntropy(h, w, tf.zeros([3], 'int32'))).toThrow(/labels must be int32 \[4\]/);
    expect(() => linearCrossEntropy(h, w, labels, { chunkSize: 0 })).toThrow(
      /chunkSize must be a positive integer, got 0/,
    );
    expect(() => linearCrossEntropy(h, w, labels, { reduction: 'avg' as 'mean' })).toThrow(
      /reduction must be/,
    );
    tf.dispose([h, w, labels]);
  });
  it('takes its default chunk from the setting for the active backend; an explicit chunkSize wins', () => {
    const h = tf.randomNormal([7, 5], 0, 1, 'float32', 12);
    const w = tf.randomNormal([11, 5], 0, 1, 'float32', 13);
    const labels = tf.tensor1d([3, -100, 0, 10, 5, -100, 7], 'int32');
    // One CrossEntropy kernel per chunk.
    const chunks = (chunkSize?: number): number =>
      expectNoLeak(() => {
        const { result, kernels } = countKernels(() => linearCrossEntropy(h, w, labels, { chunkSize }));
        result.dispose();
        return kernels.get('CrossEntropy') ?? 0;
      });
    const value = () => tf.tidy(() => linearCrossEntropy(h, w, labels).dataSync()[0]!);
    const whole = value();
    try {
      expect(logitsChunkElements(backend)).toBe(LOGITS_PER_CHUNK);
      expect(chunks()).toBe(1);
      setLogitsChunkElements(backend, 2 * 11); // 2 rows of vocab 11
      expect(logitsChunkElements()).toBe(22);
      expect(chunks()).toBe(4);
      expect(value()).toBeCloseTo(whole, 5);
      expect(chunks(3)).toBe(3);
      setLogitsChunkElements(backend, 5); // fewer elements than one row: still a row per chunk
      expect(chunks()).toBe(7);
      setLogitsChunkElements(`not-${backend}`, 11); // another backend's setting does not apply here
      setLogitsChunkElements(backend, null);
      expect(logitsChunkElements(backend)).toBe(LOGITS_PER_CHUNK);
      expect(logitsChunkElements(`not-${backend}`)).toBe(11);
      expect(chunks()).toBe(1);
    } finally {
      setLogitsChunkElements(backend, null);
      setLogitsChunkElements(`not-${backend}`, null);
      tf.dispose([h, w, labels]);
    }
  });

  it('rejects an invalid chunk setting, naming the argument and the expected form', () => {
    const bad: [unknown, string][] = [
      [0, '0'],
      [-4, '-4'],
      [1.5, '1.5'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [2 ** 60, '1152921504606847000'],
      ['4', '"4"'],
      [undefined, 'undefined'],
    ];
    for (const [elements, shown] of bad) {
      expect(() => setLogitsChunkElements(backend, elements as number)).toThrow(
        'setLogitsChunkElements: elements must be a positive integer (logits elements per chunk, e.g. ' +
          `2 ** 27) or null (the default), got ${shown}`,
      );
    }
    expect(() => setLogitsChunkElements('', 1 << 20)).toThrow(
      `setLogitsChunkElements: backendName must be a non-empty string (a tfjs backend name such as 'cuda'), got ""`,
    );
    expect(logitsChunkElements(backend)).toBe(LOGITS_PER_CHUNK);
  });

  describe('under valueAndGrads, computes only the gradients the backward wants', () => {
    // 7 rows in chunks of 3: 3 chunks, one logits matMul each in the forward; the backward recomputes
    // them (3) and adds dhidden (3) and dweight (3) matMuls when wanted.
    const labelsOf = () => tf.tensor1d([3, -100, 0, 10, 5, -100, 7], 'int32');
    type Driver = (f: () => tf.Scalar, vars: tf.Variable[]) => { value: tf.Scalar; grads: tf.NamedTensorMap };
    const run = (driver: Driver, trainH: boolean, trainW: boolean, reduction: 'mean' | 'sum') =>
      expectNoLeak(() => {
        const labels = labelsOf();
        const h = tf.tidy(() => tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 14), trainH, 'h'));
        const w = tf.tidy(() => tf.variable(tf.randomNormal([11, 5], 0, 1, 'float32', 15), trainW, 'w'));
        const f = () =>
          tf.mul(linearCrossEntropy(h, w, labels, { chunkSize: 3, reduction }), 2.5) as tf.Scalar;
        const vars = [trainH ? h : null, trainW ? w : null].filter((v) => v !== null);
        const { result, kernels } = countKernels(() => driver(f, vars));
        const grads = Object.fromEntries(Object.entries(result.grads).map(([k, g]) => [k, g!.dataSync()]));
        tf.dispose([result.value, ...Object.values(result.grads), h, w, labels]);
        return { matMuls: kernels.get('BatchMatMul') ?? 0, dh: grads['h'], dw: grads['w'] };
      });

    it.each(['mean', 'sum'] as const)(
      '%s: no dweight matMuls for a frozen weight; dhidden bit-identical',
      (r) => {
        const both = run(valueAndGrads, true, true, r);
        const hiddenOnly = run(valueAndGrads, true, false, r);
        const weightOnly = run(valueAndGrads, false, true, r);
        const stock = run(tf.variableGrads as Driver, true, true, r);
        expect(both.matMuls).toBe(3 + 9);
        expect(hiddenOnly.matMuls).toBe(3 + 6);
        expect(weightOnly.matMuls).toBe(3 + 6);
        expect(hiddenOnly.dw).toBeUndefined();
        expect(weightOnly.dh).toBeUndefined();
        expect(hiddenOnly.dh).toEqual(both.dh);
        expect(weightOnly.dw).toEqual(both.dw);
        expect(both.dh).toEqual(stock.dh);
        expect(both.dw).toEqual(stock.dw);
      },
    );

    it('inside a checkpoint that reads the weight through a closure: the same gradient, no dhidden', () => {
      const grad = (ckpt: boolean) =>
        expectNoLeak(() => {
          const labels = labelsOf();
          const h = tf.randomNormal([7, 5], 0, 1, 'float32', 18);
          const w = tf.tidy(() => tf.variable(tf.randomNormal([11, 5], 0, 1, 'float32', 19), true, 'w'));
          const loss = (x: tf.Tensor) => linearCrossEntropy(x, w, labels, { chunkSize: 3 });
          const f = () => (ckpt ? checkpoint(loss, [h]) : loss(h)) as tf.Scalar;
          const { result, kernels } = countKernels(() => valueAndGrads(f, [w]));
          const dw = result.grads['w']!.dataSync();
          tf.dispose([result.value, ...Object.values(result.grads), h, w, labels]);
          return { dw, matMuls: kernels.get('BatchMatMul') };
        });
      const plain = grad(false);
      const ckpt = grad(true);
      expect(plain.matMuls).toBe(3 + 6);
      expect(ckpt.matMuls).toBe(3 + 3 + 6); // + the checkpoint's recomputed forward
      expect(ckpt.dw).toEqual(plain.dw);
    });

    it("tfjs's own backward still computes both gradients, whichever it differentiates by", () => {
      expect(run(tf.variableGrads as Driver, true, false, 'mean').matMuls).toBe(3 + 9);
      const labels = labelsOf();
      const h = tf.randomNormal([7, 5], 0, 1, 'float32', 16);
      const w = tf.randomNormal([11, 5], 0, 1, 'float32', 17);
      const { kernels } = countKernels(() =>
        tf.tidy(() =>
          tf
            .grads((a) => linearCrossEntropy(a!, w, labels, { chunkSize: 3 }))([h])[0]!
            .dataSync(),
        ),
      );
      expect(kernels.get('BatchMatMul')).toBe(3 + 9);
      tf.dispose([h, w, labels]);
    });
  });
});
