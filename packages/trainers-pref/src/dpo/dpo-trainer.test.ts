import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DPO_LOSS_TYPES } from '../losses/dpo-loss.js';
import { PREFERENCE_METRICS } from '../pairwise/preference-metrics.js';
import { trainTiny } from '../test-support/train-tiny.js';
import { DpoTrainer } from './dpo-trainer.js';

const train = (overrides: Record<string, unknown> = {}) =>
  trainTiny((c, r) => new DpoTrainer(c, r), { max_steps: 8, eval_steps: 8, save_steps: 8, ...overrides });

const METRIC_NAMES = PREFERENCE_METRICS;

describe('DpoTrainer', () => {
  it('LoRA DPO: the first loss is ln 2, the margin rises, TRL metric names are logged, skipped rows are named', async () => {
    const { out, lines, result, leaked, steps, evals } = await train();
    expect(leaked).toBe(0);
    expect(result.saved).toBe('adapter');
    expect(existsSync(join(out, 'adapter_config.json'))).toBe(true);
    expect(steps).toHaveLength(8);
    for (const e of steps) for (const name of METRIC_NAMES) expect(Number.isFinite(e[name])).toBe(true);
    // Step 1: the adapter is zero, so policy = reference, every reward 0 and the sigmoid loss ln 2.
    expect(steps[0]!.loss).toBeCloseTo(Math.log(2), 5);
    expect(steps[0]!['rewards/margins']).toBeCloseTo(0, 6);
    expect(steps.at(-1)!['rewards/margins']).toBeGreaterThan(0.05);
    expect(steps.at(-1)!['rewards/accuracies']).toBe(1);
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0]!.loss!);
    expect(evals.length).toBeGreaterThan(0);
    expect(evals.at(-1)!['eval_rewards/accuracies']).toBe(1);
    const log = lines.join('\n');
    expect(log).toContain('dpo data: 18 records read, 1 invalid; 12 training pairs, 4 evaluation');
    expect(log).toContain(`skipped 1 invalid record (missing-field: rejected`);
    expect(log).toContain('prefs.jsonl:13');
    expect(log).toContain(`skipped 1 row (too-long`);
    expect(log).toContain('prefs.jsonl:14');
    expect(log).toContain('reference: the base model with the LoRA adapters disabled');
  });

  it('precomputed reference log-probs train exactly as the adapter-disabled reference does', async () => {
    const live = await train({ max_steps: 3, eval_strategy: 'no' });
    const pre = await train({ max_steps: 3, eval_strategy: 'no', precompute_ref_log_probs: true });
    expect(pre.leaked).toBe(0);
    expect(pre.lines.join('\n')).toMatch(/reference log-probs: 12 pairs/);
    const [a, b] = [live.steps, pre.steps];
    for (let i = 0; i < 3; i++) {
      for (const name of ['loss', ...METRIC_NAMES]) expect(b[i]![name]).toBeCloseTo(a[i]![name]!, 4);
    }
  });

  it('QLoRA DPO (--load_in_4bit --qlora): ln 2 first, the margin rises, the reference is the quantised base', async () => {
    const { result, steps, lines, leaked } = await train({
      load_in_4bit: true,
      qlora: true,
      eval_strategy: 'no',
    });
    expect(leaked).toBe(0);
    expect(result.saved).toBe('adapter');
    expect(steps[0]!.loss).toBeCloseTo(Math.log(2), 5);
    expect(steps.at(-1)!['rewards/margins']).toBeGreaterThan(0.05);
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0]!.loss!);
    expect(lines.join('\n')).toContain('reference: the base model with the LoRA adapters disabled');
    const refused = await train({ load_in_8bit: true, use_peft: false }).catch((e: Error) => e.message);
    expect(refused).toContain('--load_in_8bit is true; expected used with --use_peft true');
  });

  it('full fine-tuning against a frozen copy of the base', async () => {
    const { result, lines, leaked } = await train({
      use_peft: false,
      max_steps: 3,
      learning_rate: 1e-3,
      eval_strategy: 'no',
      gradient_checkpointing: false,
    });
    expect(leaked).toBe(0);
    expect(result.saved).toBe('model');
    expect(lines.join('\n')).toContain('reference: a frozen copy of');
    expect(result.train.logHistory[0]!.loss).toBeCloseTo(Math.log(2), 5);
  });

  it('every loss type trains a step to a finite loss', async () => {
    for (const loss_type of DPO_LOSS_TYPES) {
      const { result } = await train({ loss_type, max_steps: 1, eval_strategy: 'no', label_smoothing: 0.1 });
      expect(Number.isFinite(result.train.trainLoss)).toBe(true);
    }
  });

  it('--strict_data stops before training, naming what would be skipped', async () => {
    await expect(train({ strict_data: true })).rejects.toThrow(
      /^--strict_data: 2 record\(s\) or row\(s\) would be skipped; .*\n.*\n {2}skipped 1 invalid record \(missing-field: .*prefs\.jsonl:13\n {2}skipped 1 row \(too-long: .*prefs\.jsonl:14$/,
    );
  });

  it('option errors name the flag and the valid values', () => {
    const base = { model_name_or_path: 'm', train_file_dir: 'd' };
    expect(() => new DpoTrainer({ ...base, loss_type: 'orpo' })).toThrow(
      /--loss_type is "orpo"; expected one of sigmoid, hinge, .* \(ORPO is its own trainer: medgpt orpo\)/,
    );
    expect(() => new DpoTrainer({ ...base, loss_type: 'sigmoid,sft', loss_weights: '1' })).toThrow(
      /--loss_weights is "1"; expected 2 comma-separated numbers/,
    );
    expect(() => new DpoTrainer({ ...base, loss_type: 'robust', label_smoothing: 0.5 })).toThrow(
      /--label_smoothing is 0.5; expected a number in \[0, 0.5\) for the robust loss/,
    );
    expect(() => new DpoTrainer({ ...base, Beta: 0.1 } as never)).toThrow(
      '--Beta is 0.1; expected an option of dpo (did you mean beta?)',
    );
  });
});
