import { describe, expect, it } from 'vitest';
import { getScheduler, getWarmupSteps, SCHEDULER_TYPES } from './lr-schedule.js';
import { loadFixture } from './optimizer-test-utils.js';

interface Fixture {
  base_lr: number;
  num_training_steps: number;
  cases: { name: string; num_warmup_steps: number; kwargs: Record<string, unknown>; lrs: number[] }[];
  warmup_ratio_cases: { num_training_steps: number; warmup_ratio: number; warmup_steps: number }[];
}
const fx = loadFixture<Fixture>('hf-lr-schedules.json');

describe('getScheduler', () => {
  it.each(fx.cases.map((c) => [c.name, c.num_warmup_steps, c.kwargs, c] as const))(
    'matches transformers %s (warmup %i, kwargs %j)',
    (_name, _w, _k, c) => {
      const s = getScheduler({
        name: c.name,
        baseLr: fx.base_lr,
        numWarmupSteps: c.num_warmup_steps,
        numTrainingSteps: fx.num_training_steps,
        kwargs: c.kwargs,
      });
      c.lrs.forEach((want, step) => {
        // Same float64 formulas; only libm's last bit (cos, pow) may differ.
        expect(Math.abs(s.lr(step) - want)).toBeLessThanOrEqual(1e-12 * fx.base_lr);
      });
    },
  );

  it('cosine_warmup_with_min_lr: counts step + 1, ends at min_lr', () => {
    const s = getScheduler({
      name: 'cosine_warmup_with_min_lr',
      baseLr: 2,
      numWarmupSteps: 4,
      numTrainingSteps: 10,
      kwargs: { min_lr: 0.2 },
    });
    expect(s.multiplier(0)).toBe(1 / 4);
    expect(s.multiplier(3)).toBe(1);
    // Last step: progress (9 - 4 + 1) / 6 = 1, so cos(pi) = -1 and the factor is min_lr_rate.
    expect(s.lr(9)).toBeCloseTo(0.2, 12);
    const w = getScheduler({
      name: 'cosine_warmup_with_min_lr',
      baseLr: 1,
      numWarmupSteps: 3,
      numTrainingSteps: 10,
      kwargs: { min_lr_rate: 0, warmup_lr_rate: 0.1 },
    });
    expect([0, 1, 2].map((i) => w.multiplier(i))).toEqual([0.1, 0.1 + 0.9 * 0.5, 1]);
  });

  it('warmup_stable_decay: warmup, plateau, decay, floor', () => {
    const s = getScheduler({
      name: 'warmup_stable_decay',
      baseLr: 1,
      numWarmupSteps: 2,
      numTrainingSteps: 9,
      kwargs: { num_decay_steps: 4, decay_type: 'linear', min_lr_ratio: 0.1 },
    });
    // stable = 9 - 2 - 4 = 3: steps 2..4 are 1; decay p = (s - 5) / 4 scaled into [0.1, 1].
    const decayed = (p: number): number => (1 - p) * 0.9 + 0.1;
    const want = [
      0.1,
      0.5 * 0.9 + 0.1,
      1,
      1,
      1,
      decayed(0),
      decayed(0.25),
      decayed(0.5),
      decayed(0.75),
      0.1,
      0.1,
    ];
    want.forEach((m, i) => expect(s.multiplier(i)).toBeCloseTo(m, 12));
  });

  it('explains bad names, kwargs and settings', () => {
    const base = { baseLr: 1e-3, numWarmupSteps: 0, numTrainingSteps: 10 };
    expect(() => getScheduler({ ...base, name: 'cosin' })).toThrow(
      `getScheduler: unknown lr_scheduler_type 'cosin'; expected one of ${SCHEDULER_TYPES.join(', ')}`,
    );
    expect(() => getScheduler({ ...base, name: 'reduce_lr_on_plateau' })).toThrow(/follows eval metrics/);
    expect(() => getScheduler({ ...base, name: 'cosine', kwargs: { cycles: 2 } })).toThrow(
      /cosine: unknown lr_scheduler_kwargs 'cycles'; expected one of num_cycles/,
    );
    expect(() => getScheduler({ ...base, name: 'linear', kwargs: { power: 2 } })).toThrow(
      /this scheduler takes none/,
    );
    expect(() => getScheduler({ ...base, name: 'polynomial', kwargs: { lr_end: 1e-2 } })).toThrow(
      /lr_end \(0.01\) must be smaller than the initial lr \(0.001\)/,
    );
    expect(() => getScheduler({ ...base, name: 'cosine_with_min_lr' })).toThrow(
      /needs min_lr or min_lr_rate/,
    );
    expect(() =>
      getScheduler({ ...base, name: 'cosine_with_min_lr', kwargs: { min_lr: 1, min_lr_rate: 0.1 } }),
    ).toThrow(/only one/);
    expect(() => getScheduler({ baseLr: 1, name: 'cosine' })).toThrow(/cosine: requires numTrainingSteps/);
    expect(() => getScheduler({ ...base, name: 'linear', numWarmupSteps: 1.5 })).toThrow(
      /option 'numWarmupSteps' is 1.5/,
    );
    expect(() => getScheduler({ ...base, name: 'constant' }).lr(-1)).toThrow(/step -1 is invalid/);
    // HF drops kwargs for these three; so do we.
    expect(getScheduler({ ...base, name: 'constant', kwargs: { num_cycles: 3 } }).lr(5)).toBe(1e-3);
  });
});

describe('getWarmupSteps', () => {
  it.each(fx.warmup_ratio_cases.map((c) => [c.num_training_steps, c.warmup_ratio, c.warmup_steps] as const))(
    'matches TrainingArguments.get_warmup_steps (%i steps, ratio %d)',
    (total, ratio, want) => {
      expect(getWarmupSteps(total, { warmupRatio: ratio })).toBe(want);
      // transformers 5 spells a ratio as warmup_steps in (0, 1).
      if (ratio > 0 && ratio < 1) expect(getWarmupSteps(total, { warmupSteps: ratio })).toBe(want);
    },
  );

  it('warmup_steps >= 1 wins over the ratio; bad values are named', () => {
    expect(getWarmupSteps(100, { warmupSteps: 7, warmupRatio: 0.5 })).toBe(7);
    expect(() => getWarmupSteps(100, { warmupSteps: 2.5 })).toThrow(/option 'warmupSteps' is 2.5/);
    expect(() => getWarmupSteps(100, { warmupRatio: 1.5 })).toThrow(
      /option 'warmupRatio' is 1.5; expected a number in \[0, 1\]/,
    );
  });
});
