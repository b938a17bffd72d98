import { describe, expect, it } from 'vitest';
import { shardBatch } from './shard-batch.js';

describe('shardBatch', () => {
  it('gives every rank a contiguous part; the parts in rank order are the global batch', () => {
    for (const n of [0, 1, 2, 5, 8, 9, 16])
      for (const world of [1, 2, 3, 4]) {
        const items = Array.from({ length: n }, (_, i) => i);
        const parts = Array.from({ length: world }, (_, r) => shardBatch(items, r, world));
        expect(parts.flat()).toEqual(items);
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
  });

  it('splits per_device x world rows into per_device rows each', () => {
    const global = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect([0, 1, 2].map((r) => shardBatch(global, r, 3))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('refuses a rank outside the world', () => {
    expect(() => shardBatch([1], 2, 2)).toThrow('shardBatch: rank 2 is not in [0, 2)');
  });
});
