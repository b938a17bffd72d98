import { describe, expect, it } from 'vitest';
import { combineRewards } from './combine-rewards.js';

describe('combineRewards', () => {
  it('sums the weighted rewards of the functions that scored each completion', () => {
    const out = combineRewards(
      [
        [1, 0, null, 0.5],
        [2, null, null, -1],
      ],
      [0.5, 2],
    );
    // 0.5·1 + 2·2; 0.5·0 (function 1 abstains); nothing; 0.5·0.5 + 2·(−1).
    expect(Array.from(out.rewards)).toEqual([4.5, 0, 0, -1.75]);
    expect(Array.from(out.unscorable)).toEqual([0, 0, 1, 0]);
    expect(out.allNull).toBe(1);
  });

  it('weights default to 1 and NaN counts as null', () => {
    const out = combineRewards([
      [1, NaN],
      [3, NaN],
    ]);
    expect(Array.from(out.rewards)).toEqual([4, 0]);
    expect(out.allNull).toBe(1);
  });

  it("gives each function's mean and Bessel std over the completions it scored", () => {
    const out = combineRewards([
      [1, 2, 3, null],
      [null, null, 7, null],
      [null, null, null, null],
    ]);
    expect(Array.from(out.functionMeans)).toEqual([2, 7, NaN]);
    expect(out.functionStds[0]).toBeCloseTo(1, 12); // deviations −1, 0, 1: 2 / (3 − 1)
    expect(out.functionStds[1]).toBeNaN(); // one value
    expect(out.functionStds[2]).toBeNaN();
  });

  it('rejects shapes and values that do not fit, naming the function', () => {
    expect(() => combineRewards([])).toThrow('combineRewards: no reward functions were given');
    expect(() => combineRewards([[1, 2], [3]])).toThrow(
      'combineRewards: reward function 1 gave 1 rewards, expected 2',
    );
    expect(() => combineRewards([[1], [2]], [1])).toThrow('combineRewards: 1 weights for 2 reward functions');
    expect(() => combineRewards([[1]], [NaN])).toThrow('combineRewards: weight of reward function 0 is NaN');
    const bad = [[1, undefined]] as unknown as number[][];
    expect(() => combineRewards(bad)).toThrow(
      'combineRewards: reward function 0 gave undefined for completion 1; expected a number or null',
    );
  });
});
