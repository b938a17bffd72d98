import { describe, expect, it } from 'vitest';
import { expectNoLeak, tf } from '../index.js';
import { noGrad, stopGradient } from './no-grad.js';
import { valueAndGrads } from './value-and-grads.js';

describe('noGrad / stopGradient', () => {
  it('a detached factor is a constant to the backward', async () => {
    await tf.setBackend('cpu');
    const x = tf.variable(tf.tensor1d([1, 2, 3]), true, 'x');
    expectNoLeak(() => {
      // d/dx sum(x * stop(x)) = stop(x) = x, where sum(x * x) gives 2x.
      const { value, grads } = valueAndGrads(() => tf.sum(tf.mul(x, stopGradient(x))) as tf.Scalar, [x]);
      expect(value.dataSync()[0]).toBe(14);
      expect(Array.from(grads.x!.dataSync())).toEqual([1, 2, 3]);
      tf.dispose([value, grads.x!]);
    });
    x.dispose();
  });

  it('ops under noGrad leave no tape nodes and restore the recording state, also on throw', async () => {
    await tf.setBackend('cpu');
    const x = tf.variable(tf.tensor1d([1, 2]), true, 'y');
    expectNoLeak(() => {
      const { value, grads } = valueAndGrads(() => {
        const depth = tf.engine().state.gradientDepth;
        const constant = noGrad(() => tf.mul(x, 3));
        expect(() =>
          noGrad(() => {
            throw new Error('boom');
          }),
        ).toThrow('boom');
        expect(tf.engine().state.gradientDepth).toBe(depth);
        return tf.sum(tf.add(x, constant)) as tf.Scalar;
      }, [x]);
      expect(Array.from(grads.y!.dataSync())).toEqual([1, 1]);
      tf.dispose([value, grads.y!]);
    });
    x.dispose();
  });
});
