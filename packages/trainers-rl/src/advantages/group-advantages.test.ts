import { describe, expect, it } from 'vitest';
import { groupAdvantages } from './group-advantages.js';

// Two prompts, G = 3: group 0 has mean 2 and Bessel std 1, group 1 is constant.
const REWARDS = [1, 2, 3, 5, 5, 5];

function expectAll(got: Float64Array, want: number[]): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
}

describe('groupAdvantages', () => {
  it("'group' divides by the group's std + 1e-4", () => {
    const out = groupAdvantages(REWARDS, { groupSize: 3 });
    expectAll(out.advantages, [-1 / 1.0001, 0, 1 / 1.0001, 0, 0, 0]);
    expectAll(out.groupStd, [1, 1, 1, 0, 0, 0]);
    expect(out.fracZeroStd).toBe(0.5);
  });

  it("'batch' divides by the batch's Bessel std and still counts zero-std groups", () => {
    // Batch mean 3.5; squared deviations 6.25 + 2.25 + 0.25 + 3·2.25 = 15.5 over n − 1 = 5.
    const std = Math.sqrt(15.5 / 5);
    const out = groupAdvantages(REWARDS, { groupSize: 3, scaleRewards: 'batch' });
    expectAll(out.advantages, [-1 / (std + 1e-4), 0, 1 / (std + 1e-4), 0, 0, 0]);
    expectAll(out.groupStd, [std, std, std, std, std, std]);
    expect(out.fracZeroStd).toBe(0.5);
  });

  it("'none' only centres, and reports the group std", () => {
    const out = groupAdvantages(new Float64Array(REWARDS), { groupSize: 3, scaleRewards: 'none' });
    expectAll(out.advantages, [-1, 0, 1, 0, 0, 0]);
    expectAll(out.groupStd, [1, 1, 1, 0, 0, 0]);
  });

  it('centres each group on its own mean, with groups of consecutive completions', () => {
    const out = groupAdvantages([0, 1, 10, 14], { groupSize: 2, scaleRewards: 'none' });
    expectAll(out.advantages, [-0.5, 0.5, -2, 2]);
    expect(out.fracZeroStd).toBe(0);
  });

  it('leaves NaN (unscorable) rewards out of the group statistics and gives them advantage 0', () => {
    const out = groupAdvantages([NaN, 2, 4, 1, NaN, NaN], { groupSize: 3 });
    const s = Math.SQRT2 + 1e-4; // std of [2, 4]
    expectAll(out.advantages, [0, -1 / s, 1 / s, 0, 0, 0]);
    expect(out.groupStd[3]).toBeNaN(); // one scorable member: no std, and not a zero-std group
    expect(out.fracZeroStd).toBe(0);
  });

  it('rejects bad group sizes and scalings', () => {
    expect(() => groupAdvantages([1, 2, 3], { groupSize: 2 })).toThrow(
      'groupAdvantages: 3 rewards do not split into groups of 2',
    );
    expect(() => groupAdvantages([1, 2], { groupSize: 1 })).toThrow(
      'groupAdvantages: groupSize must be an integer >= 2, got 1',
    );
    expect(() => groupAdvantages([1, 2], { groupSize: 2, scaleRewards: 'std' as 'group' })).toThrow(
      "groupAdvantages: unknown scaleRewards 'std'; valid: group, batch, none",
    );
  });
});
