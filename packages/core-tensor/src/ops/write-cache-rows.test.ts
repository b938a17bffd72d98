import { afterAll, describe, expect, it } from 'vitest';
import { tf, writeCacheRows } from '../index.js';

const backends = ['cpu', 'wasm'] as const;
afterAll(() => tf.setBackend('cpu'));

describe.each(backends)('writeCacheRows on %s', (backend) => {
  it('writes the rows in place, shares the buffer, and leaks nothing', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const cache = tf.zeros([4, 3]) as tf.Tensor2D;
    const rows = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const at = tf.tensor1d([3, 1], 'int32');
    const next = writeCacheRows(cache, rows, at);
    const buffers = (tf.memory() as { numDataBuffers: number }).numDataBuffers;
    expect(next.dataId).toBe(cache.dataId); // no copy of the cache
    cache.dispose();
    expect((tf.memory() as { numDataBuffers: number }).numDataBuffers).toBe(buffers); // it lives on in `next`
    expect(await next.array()).toEqual([
      [0, 0, 0],
      [4, 5, 6],
      [0, 0, 0],
      [1, 2, 3],
    ]);
    tf.dispose([next, rows, at]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses rows of another width and indices outside the cache', async () => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      const cache = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => writeCacheRows(cache, tf.zeros([1, 2]), tf.tensor1d([0], 'int32'))).toThrow(
        "the cache's width 3",
      );
      expect(() => writeCacheRows(cache, tf.zeros([1, 3]), tf.tensor1d([2], 'int32'))).toThrow(
        'index 2 is not a row of the cache [2,3]',
      );
    });
  });
});
