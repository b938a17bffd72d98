import { describe, expect, it } from 'vitest';
import { leaveOneOutAdvantages } from './leave-one-out.js';

function expectAll(got: Float64Array, want: number[]): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
}

/** The same formula the naive way: the baseline is the plain mean of the group's other members. */
function reference(r: number[], g: number, normalize = false): number[] {
  const a = r.map((v, i) => {
    const start = i - (i % g);
    const others = r.slice(start, start + g).filter((_, j) => start + j !== i);
    return v - others.reduce((s, x) => s + x, 0) / others.length;
  });
  if (!normalize) return a;
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / (a.length - 1));
  return a.map((x) => (x - mean) / (std + 1e-4));
}

const R = [1, 2, 6, 0, 4, 8];

describe('leaveOneOutAdvantages', () => {
  it('subtracts the mean of the other completions of the group', () => {
    // Group sums 9 and 12: baselines (9 − r)/2 and (12 − r)/2.
    const out = leaveOneOutAdvantages(R, { groupSize: 3 });
    expectAll(out.advantages, [-3, -1.5, 4.5, -6, 0, 6]);
    expectAll(out.rewards, R);
    expect(out.fracZeroStd).toBe(0);
  });

  it('matches the naive baseline for groups of 2 and 4', () => {
    const r = [0.3, -1.2, 2.5, 0.7, 0.7, 4.1, -3.3, 0.05];
    expectAll(leaveOneOutAdvantages(r, { groupSize: 2 }).advantages, reference(r, 2));
    expectAll(leaveOneOutAdvantages(r, { groupSize: 4 }).advantages, reference(r, 4));
  });

  it('folds β·kl into the reward before the baseline', () => {
    const kl = [0.5, -1, 2, 0, 0, 1];
    const shaped = R.map((v, i) => v - 0.1 * kl[i]!); // 0.95, 2.1, 5.8, 0, 4, 7.9
    const out = leaveOneOutAdvantages(R, { groupSize: 3, kl, beta: 0.1 });
    expectAll(out.rewards, shaped);
    expectAll(out.advantages, reference(shaped, 3));
    // Without β the kl is not read.
    expectAll(leaveOneOutAdvantages(R, { groupSize: 3, kl }).rewards, R);
  });

  it('clips the rewards before the KL term', () => {
    const kl = [0, 0, 10, 0, 0, 10];
    const out = leaveOneOutAdvantages(R, { groupSize: 3, kl, beta: 0.1, rewardClipRange: 5 });
    expectAll(out.rewards, [1, 2, 4, 0, 4, 4]); // 6 and 8 clip to 5, then − 0.1·10
    const tuple = leaveOneOutAdvantages(R, { groupSize: 3, rewardClipRange: [0.5, 3] });
    expectAll(tuple.rewards, [1, 2, 3, 0.5, 3, 3]);
  });

  it('whitens over the batch with normalize', () => {
    const out = leaveOneOutAdvantages(R, { groupSize: 3, normalize: true });
    expectAll(out.advantages, reference(R, 3, true));
  });

  it('leaves NaN (unscorable) rewards out of the baselines and gives them 0', () => {
    const out = leaveOneOutAdvantages([1, NaN, 3, NaN, 7, NaN, 2, 2, 2], { groupSize: 3 });
    // [1, _, 3]: each is compared with the one other scorable; [_, 7, _]: nobody to compare with.
    expectAll(out.advantages, [-2, 0, 2, 0, 0, 0, 0, 0, 0]);
    expect(out.fracZeroStd).toBeCloseTo(1 / 3, 12);
  });

  it('rejects bad arguments', () => {
    expect(() => leaveOneOutAdvantages([1, 2, 3], { groupSize: 2 })).toThrow(
      'leaveOneOutAdvantages: 3 rewards do not split into groups of 2',
    );
    expect(() => leaveOneOutAdvantages([1, 2], { groupSize: 2, beta: 0.1 })).toThrow(
      'leaveOneOutAdvantages: beta != 0 needs the per-completion kl',
    );
    expect(() => leaveOneOutAdvantages([1, 2], { groupSize: 2, beta: 0.1, kl: [1] })).toThrow(
      'leaveOneOutAdvantages: kl has 1 entries, rewards 2',
    );
    expect(() => leaveOneOutAdvantages([1, 2], { groupSize: 2, rewardClipRange: -1 })).toThrow(
      'leaveOneOutAdvantages: rewardClipRange [1, -1] is empty',
    );
  });
});
