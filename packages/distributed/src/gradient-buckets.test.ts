import { tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { allReduceGradients, gradientBuckets } from './gradient-buckets.js';
import { destroyAll, onEveryRank, tcpGroup } from './test-support/in-process-group.js';

describe('gradientBuckets', () => {
  it('fills buckets up to the cap from the last parameter back; a big parameter gets its own', () => {
    expect(gradientBuckets([2, 2, 2, 2], 16)).toEqual([
      [3, 2],
      [1, 0],
    ]);
    expect(gradientBuckets([1, 100, 1], 16)).toEqual([[2], [1], [0]]);
    expect(gradientBuckets([], 16)).toEqual([]);
  });
});

describe('allReduceGradients (2 ranks)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('sums every gradient bucket by bucket; a gradient one rank lacks counts as zeros; none anywhere stays none', async () => {
    const group = await tcpGroup(2);
    const params = [
      { name: 'a', shape: [2, 3] },
      { name: 'b', shape: [4] },
      { name: 'c', shape: [1] },
      { name: 'unused', shape: [5] },
    ];
    const before = tf.memory().numTensors;
    const results = await onEveryRank(group, async (comm, rank) => {
      const grads: tf.NamedTensorMap = {
        a: tf.fill([2, 3], rank + 1),
        c: tf.tensor1d([10 * (rank + 1)]),
      };
      if (rank === 0) grads.b = tf.tensor1d([1, 2, 3, 4]);
      const reduced = await allReduceGradients(comm, grads, params, { bucketBytes: 16 });
      const out = Object.fromEntries(
        Object.entries(grads).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.dataSync()) }]),
      );
      tf.dispose(Object.values(grads));
      return { names: reduced.map((p) => p.name), out };
    });
    for (const r of results) {
      expect(r.names).toEqual(['a', 'b', 'c']);
      expect(r.out).toEqual({
        a: { shape: [2, 3], data: [3, 3, 3, 3, 3, 3] },
        b: { shape: [4], data: [1, 2, 3, 4] },
        c: { shape: [1], data: [30] },
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    await destroyAll(group);
  });
});
