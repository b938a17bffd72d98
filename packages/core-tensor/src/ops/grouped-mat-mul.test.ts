import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness, numericGrad } from '../testing/grad-check.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { groupedMatMul, groupedMatMulReference } from './grouped-mat-mul.js';

describe.each(['cpu', 'wasm'])('groupedMatMul on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('multiplies each group of rows by its own weight; rows after the groups are 0', () =>
    expectNoLeak(() => {
      // 4 rows: rows 0-1 use W0 = [[1, 0], [0, 1], [1, 1]] ([out 3, in 2]), row 2 uses W1 = 2 * ones, row 3 none.
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
      const w = tf.tensor3d([1, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2], [2, 3, 2]);
      const sizes = tf.tensor1d([2, 1], 'int32');
      const y = groupedMatMul(x, w, sizes);
      expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 3, 4, 7, 22, 22, 22, 0, 0, 0]);
      tf.dispose([x, w, sizes, y]);
    }));

  it.each([true, false])(
    'matches the per-group tfjs matMuls (transposeWeight %s), empty groups included',
    (t) =>
      expectNoLeak(() => {
        const x = tf.randomNormal([23, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
        const w = tf.randomNormal(t ? [4, 5, 7] : [4, 7, 5], 0, 1, 'float32', 2) as tf.Tensor3D;
        const sizes = tf.tensor1d([6, 0, 13, 2], 'int32');
        const y = groupedMatMul(x, w, sizes, t);
        const ref = groupedMatMulReference(x, w, sizes, t);
        expect(y.shape).toEqual([23, 5]);
        expect(closeness(y.dataSync(), ref.dataSync(), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
        tf.dispose([x, w, sizes, y, ref]);
      }),
  );

  it.each([true, false])(
    'has x and weight gradients equal to finite differences and the composite (transposeWeight %s)',
    (t) =>
      expectNoLeak(() => {
        const x = tf.randomNormal([9, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
        const w = tf.randomNormal(t ? [3, 5, 4] : [3, 4, 5], 0, 1, 'float32', 4) as tf.Tensor3D;
        const sizes = tf.tensor1d([3, 0, 5], 'int32');
        const c = tf.randomNormal([9, 5], 0, 1, 'float32', 5);
        const loss = (op: typeof groupedMatMul) => (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(op(a as tf.Tensor2D, b as tf.Tensor3D, sizes, t), c)) as tf.Scalar;
        const [gx, gw] = tf.grads(loss(groupedMatMul))([x, w]);
        const [rx, rw] = tf.grads(loss(groupedMatMulReference))([x, w]);
        const f = loss(groupedMatMul);
        expect(closeness(gx!.dataSync(), numericGrad(f, [x, w], 0), 2e-3, 1e-2)).toBeLessThanOrEqual(1);
        expect(closeness(gw!.dataSync(), numericGrad(f, [x, w], 1), 2e-3, 1e-2)).toBeLessThanOrEqual(1);
        expect(closeness(gx!.dataSync(), rx!.dataSync(), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
        expect(closeness(gw!.dataSync(), rw!.dataSync(), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
        tf.dispose([x, w, sizes, c, gx!, gw!, rx!, rw!]);
      }),
  );

  it('rejects bad arguments, naming the op and the shapes', () =>
    expectNoLeak(() => {
      const x = tf.zeros([4, 3]) as tf.Tensor2D;
      const w = tf.zeros([2, 5, 3]) as tf.Tensor3D;
      const sizes = tf.tensor1d([1, 2], 'int32');
      const three = tf.tensor1d([1, 1, 1], 'int32');
      const over = tf.tensor1d([3, 2], 'int32');
      const floats = tf.tensor1d([1, 2]);
      expect(() => groupedMatMul(x, w, three)).toThrow('groupedMatMul: groupSizes must be [experts]');
      expect(() => groupedMatMul(x, w, sizes, false)).toThrow("weight's input size differs from x's");
      expect(() => groupedMatMul(x, w, floats)).toThrow('groupSizes must be int32');
      expect(() => groupedMatMul(x, w, over)).toThrow(
        'GroupedMatMul: groupSizes sum to 5, more than the 4 rows',
      );
      tf.dispose([x, w, sizes, three, over, floats]);
    }));
});
