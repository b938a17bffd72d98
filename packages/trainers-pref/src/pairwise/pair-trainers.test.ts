// ORPO, CPO and SimPO on a tiny model: they train, log TRL's metrics, and the logged loss is the sum of
// the logged parts (checked where a batch of one pair makes that exact).
import { describe, expect, it } from 'vitest';
import { CpoTrainer, SimpoTrainer } from '../cpo/cpo-trainer.js';
import { OrpoTrainer } from '../orpo/orpo-trainer.js';
import { trainTiny } from '../test-support/train-tiny.js';

const ls = (x: number) => -Math.log1p(Math.exp(-x));
const PREFERENCE = ['rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins'];

describe('OrpoTrainer', () => {
  it('loss = nll_loss - λ·log_odds_ratio, the odds of the chosen answers rise, no tensor leaks', async () => {
    const run = await trainTiny((c, r) => new OrpoTrainer(c, r), { orpo_beta: 0.5 });
    expect(run.leaked).toBe(0);
    expect(run.result.saved).toBe('adapter');
    for (const e of run.steps) {
      for (const name of [...PREFERENCE, 'nll_loss', 'log_odds_ratio', 'log_odds_chosen'])
        expect(Number.isFinite(e[name])).toBe(true);
      expect(e.loss).toBeCloseTo(e.nll_loss! - 0.5 * e.log_odds_ratio!, 4);
    }
    expect(run.steps.at(-1)!.log_odds_chosen).toBeGreaterThan(run.steps[0]!.log_odds_chosen!);
    expect(run.steps.at(-1)!.loss).toBeLessThan(run.steps[0]!.loss!);
    expect(run.evals.at(-1)!['eval_log_odds_chosen']).toBeDefined();
    expect(run.lines.join('\n')).toContain(
      'orpo data: 18 records read, 1 invalid; 12 training pairs, 4 evaluation',
    );
  });
});

describe('CpoTrainer / SimpoTrainer', () => {
  it('CPO (sigmoid, one pair per step): loss = -logσ(margin) + cpo_alpha·nll', async () => {
    const run = await trainTiny((c, r) => new CpoTrainer(c, r), {
      per_device_train_batch_size: 1,
      cpo_alpha: 0.5,
      beta: 0.1,
      max_steps: 4,
    });
    expect(run.leaked).toBe(0);
    for (const e of run.steps) {
      expect(e.loss).toBeCloseTo(-ls(e['rewards/margins']!) + 0.5 * e.nll_loss!, 4);
    }
  });

  it('SimPO (pure, one pair per step): loss = -logσ(β·Δmean - γ), and the margin rises', async () => {
    const run = await trainTiny((c, r) => new SimpoTrainer(c, r), {
      per_device_train_batch_size: 1,
      max_steps: 8,
      learning_rate: 1e-2,
    });
    expect(run.leaked).toBe(0);
    expect(run.lines.join('\n')).toContain('cpo: loss simpo, β 2, γ 1, cpo_alpha 0; no reference model');
    for (const e of run.steps) expect(e.loss).toBeCloseTo(-ls(e['rewards/margins']! - 1), 4);
    const margin = (i: number) => run.steps[i]!['rewards/margins']!;
    expect(margin(7)).toBeGreaterThan(margin(0));
  });

  it('option errors name the flag', () => {
    const base = { model_name_or_path: 'm', train_file_dir: 'd' };
    expect(() => new SimpoTrainer({ ...base, loss_type: 'robust' as never })).toThrow(
      '--loss_type is "robust"; expected one of sigmoid, hinge, ipo, simpo',
    );
    expect(() => new OrpoTrainer({ ...base, beta: 0.1 } as never)).toThrow('did you mean orpo_beta?');
  });
});
