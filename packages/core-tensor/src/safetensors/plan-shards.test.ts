import { describe, expect, it } from 'vitest';
import { planShards } from './plan-shards.js';

const GB = 10 ** 9;
const items = (sizes: number[]) => sizes.map((s, i) => ({ name: `t${i}`, byteLength: s * GB }));

describe('planShards', () => {
  it("follows huggingface_hub's documented example: [6,6,2,6,2,2] GB at 10GB -> [6], [6+2], [6+2+2]", () => {
    expect(planShards(items([6, 6, 2, 6, 2, 2]), 10 * GB)).toEqual([
      ['t0'],
      ['t1', 't2'],
      ['t3', 't4', 't5'],
    ]);
  });

  it('puts a tensor over the limit in a shard of its own, before the shard being filled', () => {
    expect(planShards(items([1, 12, 2, 3]), 10 * GB)).toEqual([['t1'], ['t0', 't2', 't3']]);
  });

  it('fills a shard up to exactly the limit and returns no shard for no tensors', () => {
    expect(planShards(items([5, 5, 1]), 10 * GB)).toEqual([['t0', 't1'], ['t2']]);
    expect(planShards([], 10)).toEqual([]);
  });
});
