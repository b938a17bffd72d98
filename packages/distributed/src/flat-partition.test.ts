import { describe, expect, it } from 'vitest';
import { partitionFlat } from './flat-partition.js';

describe('partitionFlat', () => {
  it('cuts the flattened parameters into equal shards, a parameter straddling two ranks', () => {
    const p = partitionFlat([3, 4, 2], 2); // 9 elements -> shards of 5, one padding element
    expect(p).toMatchObject({ total: 9, padded: 10, shardSize: 5, offsets: [0, 3, 7] });
    expect(p.shards[0]).toEqual([
      { param: 0, paramOffset: 0, shardOffset: 0, length: 3 },
      { param: 1, paramOffset: 0, shardOffset: 3, length: 2 },
    ]);
    expect(p.shards[1]).toEqual([
      { param: 1, paramOffset: 2, shardOffset: 0, length: 2 },
      { param: 2, paramOffset: 0, shardOffset: 2, length: 2 },
    ]);
  });

  it('covers every element exactly once for any world size', () => {
    const sizes = [7, 1, 0, 12, 5];
    for (const world of [1, 2, 3, 4, 7, 40]) {
      const p = partitionFlat(sizes, world);
      const seen = sizes.map((n) => new Array<number>(n).fill(0));
      for (const [r, segments] of p.shards.entries())
        for (const s of segments) {
          expect(s.shardOffset + s.length).toBeLessThanOrEqual(p.shardSize);
          expect(r * p.shardSize + s.shardOffset).toBe(p.offsets[s.param]! + s.paramOffset);
          for (let i = 0; i < s.length; i++) seen[s.param]![s.paramOffset + i]! += 1;
        }
      expect(seen.flat().every((c) => c === 1)).toBe(true);
    }
  });
});
