import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainTiny } from '../test-support/train-tiny.js';
import { KtoTrainer } from './kto-trainer.js';

const METRICS = [
  'rewards/chosen',
  'rewards/rejected',
  'rewards/margins',
  'logps/chosen',
  'logps/rejected',
  'logits/chosen',
  'logits/rejected',
  'kl',
];

describe('KtoTrainer', () => {
  it('paired files become desirable and undesirable rows; step 1 loses exactly 1/2 per row; the margin rises', async () => {
    const run = await trainTiny((c, r) => new KtoTrainer(c, r), { max_steps: 8 });
    expect(run.leaked).toBe(0);
    expect(run.result.saved).toBe('adapter');
    const log = run.lines.join('\n');
    expect(log).toContain('kto data: 18 records read, 1 invalid; 24 training rows, 8 evaluation');
    expect(log).toContain('each pair became a desirable (chosen) and an undesirable (rejected) row');
    expect(log).toContain('12 desirable and 12 undesirable training rows');
    // A batch without undesirable rows logs no rejected means (TRL divides by a count of 0), so each
    // name must appear in some step, and every value logged must be finite.
    for (const name of METRICS) expect(run.steps.some((e) => e[name] !== undefined)).toBe(true);
    for (const e of run.steps) for (const v of Object.values(e)) expect(Number.isFinite(v)).toBe(true);
    // The adapter starts at zero: every log-ratio and the KL estimate are 0, and 1 - σ(0) = 1/2.
    expect(run.steps[0]!.loss).toBeCloseTo(0.5, 6);
    expect(run.steps[0]!.kl).toBeCloseTo(0, 6);
    const margins = run.steps
      .filter((e) => e['rewards/margins'] !== undefined)
      .map((e) => e['rewards/margins']!);
    expect(margins.at(-1)!).toBeGreaterThan(margins[0]!);
    expect(run.steps.at(-1)!.loss).toBeLessThan(0.5);
    for (const e of run.steps) expect(e.kl).toBeGreaterThanOrEqual(0);
  });

  it("reads TRL's unpaired rows {prompt, completion, label}", async () => {
    const run = await trainTiny(
      (c, r) => {
        const file = join(String(c.output_dir), '..', 'unpaired.jsonl');
        const rows = Array.from({ length: 8 }, (_, i) => ({
          prompt: `fever ${i % 2}?`,
          completion: i % 2 ? 'rest' : 'ignore',
          label: i % 2 === 1,
        }));
        writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
        return new KtoTrainer(
          { ...c, train_file_dir: file, validation_file_dir: null, validation_split_percentage: 0 },
          r,
        );
      },
      { max_steps: 2, eval_strategy: 'no' },
    );
    expect(run.lines.join('\n')).toContain('kto data: 8 records read, 0 invalid; 8 training rows');
    expect(run.steps[0]!.loss).toBeCloseTo(0.5, 6);
  });

  it('needs two rows per batch for the KL estimate', () => {
    expect(
      () => new KtoTrainer({ model_name_or_path: 'm', train_file_dir: 'd', per_device_train_batch_size: 1 }),
    ).toThrow(
      "--per_device_train_batch_size is 1; expected an integer >= 2 (KTO's KL estimate pairs each prompt with another row's completion of the same batch)",
    );
  });
});
