import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeness, expectNoLeak, tf } from '../index.js';
import {
  registerShapeOnlyBackend,
  shapeOnlyBackend,
  shapeOnlyTensor,
} from '../testing/shape-only-backend.js';
import { disposeTape, recordTape } from './record-tape.js';
import { valueAndGradients } from './value-and-gradients.js';
import { valueAndGrads } from './value-and-grads.js';

const expectClose = (got: tf.Tensor | null, want: tf.Tensor | null) => {
  expect(got?.shape).toEqual(want?.shape);
  expect(closeness(got!.dataSync(), want!.dataSync(), 1e-7, 1e-6)).toBeLessThanOrEqual(1);
};

describe('backprop: memory (shape-only backend, fp32 accounting)', () => {
  const [N, D, L] = [64, 8, 12];
  let vars: tf.Variable[];
  // A chain of L layers; each keeps its [N, D] input (matMul) and output (tanh) for backward.
  const chain = (): tf.Scalar =>
    tf.sum(vars.reduce((h: tf.Tensor, w) => tf.tanh(tf.matMul(h, w)), shapeOnlyTensor([N, D])));

  beforeAll(async () => {
    registerShapeOnlyBackend('shape-only-backprop');
    await tf.setBackend('shape-only-backprop');
    vars = Array.from({ length: L }, (_, i) => tf.variable(shapeOnlyTensor([D, D]), true, `chain.${i}`));
  });
  afterAll(async () => {
    tf.dispose(vars);
    await tf.setBackend('cpu');
  });

  /** Most bytes live above the starting point while `f` runs; asserts `f` leaves nothing behind. */
  function peakOf(f: () => void): number {
    const be = shapeOnlyBackend();
    const start = be.liveBytes;
    be.resetPeak();
    f();
    expect(be.liveBytes).toBe(start);
    return be.peakBytes - start;
  }

  it('frees saved activations and activation gradients as it goes; tfjs holds both to the end', () => {
    const unit = N * D * 4; // one activation
    const gradBytes = L * D * D * 4; // the weight gradients it returns
    const forward = peakOf(() => {
      const { value, tape } = recordTape(chain);
      disposeTape(tape);
      value.dispose();
    });
    const drop = (r: { value: tf.Tensor; grads: tf.NamedTensorMap }) =>
      tf.dispose([r.value, ...Object.values(r.grads)]);
    const ours = peakOf(() => drop(valueAndGrads(chain, vars)));
    const stock = peakOf(() => drop(tf.variableGrads(chain, vars)));
    expect(forward).toBeGreaterThanOrEqual(2 * L * unit);
    // The backward adds at most the returned gradients and a few activations in flight.
    expect(ours).toBeLessThanOrEqual(forward + gradBytes + 3 * unit);
    // tfjs keeps every activation gradient until the end as well.
    expect(stock).toBeGreaterThanOrEqual(forward + (L - 1) * unit);
  });
});

describe('backprop: ownership edge cases (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const x = () => tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]);
  const w = () => tf.tensor2d([1, 2, -3, 0.5], [2, 2]);

  it('a gradient returning its dy, or one tensor for two inputs, matches tf.grads without leaks', () => {
    // d/da = d/db = dy, handed back as the very same tensor for both inputs.
    const sum2 = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
      save([]);
      return { value: tf.add(a, b), gradFunc: (dy: tf.Tensor) => [dy, dy] };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(sum2(tf.matMul(a, b), a) as tf.Tensor));
    const [a, b] = [x(), w()];
    // tfjs's own backprop cannot run f: it frees the shared tensor while it is still an entry.
    const want = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(p, q), p))))([
      a,
      b,
    ]);
    expectNoLeak(() => {
      const { value, grads } = valueAndGradients(() => f(a, b), [a, b]);
      grads.forEach((g, i) => expectClose(g, want[i]!));
      tf.dispose([value, ...(grads as tf.Tensor[])]);
    });
    tf.dispose([a, b, ...want]);
  });

  it("outputs without a gradient get zeros from a kernel, not tfjs's host-side zeros upload", () => {
    const f = (a: tf.Tensor) => {
      const [first, , third] = tf.split(tf.concat([a, a, a], 1), 3, 1);
      return tf.mul(first!, third!);
    };
    const a = x();
    const dy = tf.onesLike(a); // given, so that only zero-fills could upload (tf.sum's gradient would)
    // engine.makeTensor is how tfjs uploads host values (its zero-fill of a missing dy, its ones dy).
    const engine = tf.engine() as unknown as { makeTensor: (...args: unknown[]) => unknown };
    const counted = <T>(g: () => T): [T, number] => {
      let uploads = 0;
      engine.makeTensor = function (this: unknown, ...args: unknown[]) {
        uploads++;
        return Object.getPrototypeOf(engine).makeTensor.apply(this, args);
      };
      try {
        return [g(), uploads];
      } finally {
        delete (engine as { makeTensor?: unknown }).makeTensor;
      }
    };
    const [want, stockUploads] = counted(() => tf.grads(f)([a], dy));
    expect(stockUploads).toBeGreaterThan(0);
    expectNoLeak(() => {
      const [{ value, grads }, uploads] = counted(() => valueAndGradients(() => f(a), [a], dy));
      expect(uploads).toBe(0);
      expectClose(grads[0]!, want[0]!);
      tf.dispose([value, grads[0]!]);
    });
    tf.dispose([a, dy, ...want]);
  });

  it('frees everything and leaves the engine usable when a gradient throws', () => {
    const boom = tf.customGrad(((a: tf.Tensor, save: tf.GradSaveFunc) => {
      save([a]);
      return {
        value: tf.tanh(a),
        gradFunc: () => {
          throw new Error('gradient failed on purpose');
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const v = tf.variable(x(), true, 'boom.v');
    expectNoLeak(() => {
      expect(() => valueAndGrads(() => tf.sum(boom(tf.matMul(v, v)) as tf.Tensor), [v])).toThrow(
        /on purpose/,
      );
    });
    expect(tf.engine().state.activeTape).toBeNull();
    expect(tf.engine().state.gradientDepth).toBe(0);
    const ok = valueAndGrads(() => tf.sum(tf.square(v)), [v]);
    expect(Array.from(ok.grads[v.name]!.dataSync())).toEqual([1, -2, 4, 0.5]);
    tf.dispose([ok.value, ok.grads[v.name]!, v]);
  });

  it('leaves out variables the value does not depend on, and throws when it depends on none', () => {
    const [u, v] = [tf.variable(x(), true, 'dep.u'), tf.variable(w(), true, 'dep.v')];
    const { value, grads } = valueAndGrads(() => tf.sum(tf.square(u)), [u, v]);
    expect(Object.keys(grads)).toEqual([u.name]);
    tf.dispose([value, grads[u.name]!]);
    expectNoLeak(() => {
      expect(() => valueAndGrads(() => tf.sum(tf.square(x())), [u, v])).toThrow(
        /depends on none of the variables/,
      );
      expect(() => valueAndGrads(() => tf.square(u) as unknown as tf.Scalar, [u])).toThrow(
        /must return a scalar/,
      );
    });
    const a = x();
    expect(() => tf.grads((t: tf.Tensor) => valueAndGrads(() => tf.sum(t), [u]).value)([a])).toThrow(
      /higher-order gradients are not supported/,
    );
    tf.dispose([u, v, a]);
  });
});
