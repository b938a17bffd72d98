import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, tf } from '../index.js';

// Bookkeeping kernels share their input's buffer on both host backends (cpu: tfjs's own kernels;
// wasm: ours, see wasm/Identity.ts and wasm/Cast.ts), with reference-counted disposal.
describe.each(['cpu', 'wasm'])('aliasing bookkeeping kernels on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const buffers = () => tf.memory().numDataBuffers;

  it.each([
    ['Identity', (x: tf.Tensor) => tf.clone(x)],
    ['Reshape', (x: tf.Tensor) => tf.reshape(x, [3, 2])],
    ['same-dtype Cast', (x: tf.Tensor) => tf.cast(x, x.dtype)],
  ])('%s allocates no buffer and outlives its input', (_name, op) => {
    expectNoLeak(() => {
      for (const dtype of ['float32', 'int32'] as const) {
        const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], dtype);
        const before = buffers();
        const y = op(x);
        expect(buffers()).toBe(before);
        x.dispose();
        expect(buffers()).toBe(before); // y still holds the data
        expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
        expect(y.dtype).toBe(dtype);
        y.dispose();
        expect(buffers()).toBe(before - 1);
      }
    });
  });

  it('a converting Cast still converts, into a new buffer', () => {
    expectNoLeak(() => {
      const x = tf.tensor1d([1.7, -2.2, 3]);
      const before = buffers();
      const y = tf.cast(x, 'int32');
      expect(buffers()).toBe(before + 1);
      expect(Array.from(y.dataSync())).toEqual([1, -2, 3]);
      const z = tf.cast(y, 'float32');
      expect(Array.from(z.dataSync())).toEqual([1, -2, 3]);
      tf.dispose([x, y, z]);
    });
  });

  it('gradients through aliases are unchanged (Cast and Identity in tfjs gradients)', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.clone(a), tf.cast(a, 'float32'))))(x);
    expect(Array.from(g.dataSync())).toEqual([1, -2, 4]);
    tf.dispose([x, g]);
  });
});
