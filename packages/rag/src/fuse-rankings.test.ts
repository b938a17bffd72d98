import { describe, expect, it } from 'vitest';
import { fuseRankings } from './fuse-rankings.js';

describe('fuseRankings', () => {
  it('sums 1/(k + rank) over rankings (hand-computed, k 60)', () => {
    // 7: 1/61 + 1/62; 3: 1/62 + 1/61; 9: 1/63; 4: 1/63 -> ties broken by ascending id.
    const fused = fuseRankings([
      [7, 3, 9],
      [3, 7, 4],
    ]);
    expect(fused.map((h) => h.id)).toEqual([3, 7, 4, 9]);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 15);
    expect(fused[3]!.score).toBeCloseTo(1 / 63, 15);
  });

  it('takes k: with k 0 rank 1 scores 1', () => {
    expect(fuseRankings([[2, 1], [1]], 0)).toEqual([
      { id: 1, score: 1.5 },
      { id: 2, score: 1 },
    ]);
  });

  it('gives nothing for no rankings and rejects repeats and bad k', () => {
    expect(fuseRankings([])).toEqual([]);
    expect(() => fuseRankings([[1], [2, 2]])).toThrow('fuseRankings: rankings[1] lists id 2 twice');
    expect(() => fuseRankings([[1]], -1)).toThrow(/k must be a finite number >= 0, got -1/);
  });
});
