import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { resolveTrainingArguments } from './resolve-training-arguments.js';
import { DEFAULT_TRAINING_ARGUMENTS } from './training-arguments.js';
import { planTraining } from './training-plan.js';

describe('resolveTrainingArguments', () => {
  it("fills in transformers' defaults", () => {
    expect(resolveTrainingArguments({ output_dir: 'out' })).toEqual({
      ...DEFAULT_TRAINING_ARGUMENTS,
      output_dir: 'out',
    });
  });

  it('names the option, the value and the valid choices', () => {
    const bad = (input: Record<string, unknown>) => {
      try {
        resolveTrainingArguments({ output_dir: 'out', ...input });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(bad({ lr_scheduler_type: 'cosin' })).toMatch(
      /^--lr_scheduler_type is "cosin"; expected one of linear, cosine, /,
    );
    expect(bad({ learning_rate: -1 })).toBe('--learning_rate is -1; expected a number >= 0');
    expect(bad({ gradient_accumulation_steps: 0 })).toBe(
      '--gradient_accumulation_steps is 0; expected an integer >= 1',
    );
    expect(bad({ eval_strategy: 'step' })).toBe(
      '--eval_strategy is "step"; expected one of no, steps, epoch',
    );
    expect(bad({ learning_rat: 1e-4 })).toBe(
      '--learning_rat is 0.0001; expected no such training argument (did you mean learning_rate?)',
    );
    expect(bad({ bf16: true, fp16: true })).toContain('--fp16 is true; expected false when --bf16 is set');
    expect(bad({ warmup_steps: 2.5 })).toContain('an integer >= 0, or a ratio in (0, 1)');
  });
});

describe('planTraining', () => {
  const plan = (input: Record<string, unknown>, batches: number) =>
    planTraining(resolveTrainingArguments({ output_dir: 'o', ...input }), batches);

  it('counts steps as HF: the last accumulation group of an epoch takes the leftover micro-batches', () => {
    expect(plan({ num_train_epochs: 3, gradient_accumulation_steps: 4 }, 10)).toMatchObject({
      updatesPerEpoch: 3,
      maxSteps: 9,
      numTrainEpochs: 3,
    });
    expect(plan({ num_train_epochs: 0.5, gradient_accumulation_steps: 4 }, 10)).toMatchObject({
      maxSteps: 2,
      numTrainEpochs: 1,
    });
    expect(plan({ max_steps: 7, gradient_accumulation_steps: 4 }, 10)).toMatchObject({
      maxSteps: 7,
      numTrainEpochs: 3,
    });
  });

  it('resolves ratios of max_steps and the warmup rule', () => {
    const p = plan({ max_steps: 50, logging_steps: 0.1, save_steps: 0.5, warmup_ratio: 0.03 }, 10);
    expect(p).toMatchObject({ loggingSteps: 5, evalSteps: 5, saveSteps: 25, warmupSteps: 2 });
    expect(plan({ max_steps: 50, warmup_steps: 5, warmup_ratio: 0.5 }, 10).warmupSteps).toBe(5);
    expect(plan({ max_steps: 50, warmup_steps: 0.1 }, 10).warmupSteps).toBe(5);
  });
});
