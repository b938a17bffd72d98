import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { describe, expect, it } from 'vitest';
import { GRPO_FILE, LETTER_A, readMetrics, tinyRlSetup } from '../test-support/tiny-rl-setup.js';
import { GrpoTrainer } from './grpo-trainer.js';

/** A toy format to learn: the share of the completion's characters that are 'a' (dense, so GRPO sees it move). */

const RUN = {
  train_file_dir: GRPO_FILE,
  num_generations: 8,
  per_device_train_batch_size: 16,
  max_completion_length: 8,
  max_prompt_length: 48,
  learning_rate: 3e-2,
  logging_steps: 1,
  save_steps: 1000,
  seed: 3,
  reward_funcs: 'format,accuracy',
} as const;

describe('GrpoTrainer', () => {
  it('full fine-tuning: the toy reward rises, TRL metric names are logged, the model is saved, no tensor leaks', async () => {
    const { dir, base } = await tinyRlSetup(5);
    const out = join(dir, 'full');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await new GrpoTrainer(
      { ...RUN, model_name_or_path: base, output_dir: out, max_steps: 12 },
      { log: (l) => void lines.push(l), progress: false, handleSignals: false, rewardFns: [LETTER_A] },
    ).train();
    expect(tf.memory().numTensors).toBe(before);
    expect(result.saved).toBe('model');
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    const steps = (await readMetrics(out)).filter((e) => e.loss !== undefined);
    expect(steps).toHaveLength(12);
    for (const name of [
      'reward',
      'reward_std',
      'frac_reward_zero_std',
      'rewards/letter_a/mean',
      'rewards/format/mean',
      'rewards/accuracy/mean',
      'completions/mean_length',
      'completions/clipped_ratio',
      'entropy',
      'clip_ratio/region_mean',
    ])
      expect(Number.isFinite(steps[0]![name]), name).toBe(true);
    const toy = steps.map((e) => e['rewards/letter_a/mean']!);
    const early = (toy[0]! + toy[1]! + toy[2]!) / 3;
    const late = (toy[9]! + toy[10]! + toy[11]!) / 3;
    expect(late).toBeGreaterThan(early + 0.1);
    const log = lines.join('\n');
    expect(log).toContain('grpo data: 32 records read, 0 invalid');
    expect(log).toContain('rewards format, accuracy, letter_a');
  });

  it('LoRA with β > 0, μ = 2 and every loss type: KL to the adapter-free base, completions reused, adapter saved', async () => {
    const { dir, base } = await tinyRlSetup(6);
    const lines: string[] = [];
    const run = (name: string, extra: Record<string, unknown>) =>
      new GrpoTrainer(
        {
          ...RUN,
          model_name_or_path: base,
          output_dir: join(dir, name),
          use_peft: true,
          lora_r: 4,
          lora_target_modules: 'all',
          beta: 0.04,
          num_iterations: 2,
          max_steps: 4,
          ...extra,
        },
        { log: (l) => void lines.push(l), progress: false, handleSignals: false, rewardFns: [LETTER_A] },
      ).train();
    const before = tf.memory().numTensors;
    const result = await run('lora', { loss_type: 'grpo', scale_rewards: 'batch', log_completions: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.saved).toBe('adapter');
    expect(existsSync(join(dir, 'lora', 'adapter_model.safetensors'))).toBe(true);
    const steps = (await readMetrics(join(dir, 'lora'))).filter((e) => e.loss !== undefined);
    // Step 1: the adapter is zero, so the policy is the reference: KL 0. Later the adapter has moved.
    expect(steps[0]!.kl).toBeCloseTo(0, 6);
    expect(steps.at(-1)!.kl).toBeGreaterThan(0);
    // μ = 2: steps 2 and 4 train again on the completions of steps 1 and 3, so they sample nothing new.
    expect(steps.map((e) => e['rewards/letter_a/mean'] !== undefined)).toEqual([true, false, true, false]);
    const log = lines.join('\n');
    expect(log).toMatch(
      /completion 1 \(step 1; format 0, accuracy 0, letter_a [\d.]+; advantage -?[\d.]+\): "/,
    );
    expect(log).toContain('loss grpo, β 0.04');
    for (const loss_type of ['bnpo', 'dr_grpo', 'dapo'] as const) {
      const r = await run(loss_type, { loss_type, max_steps: 1, importance_sampling_level: 'sequence' });
      expect(Number.isFinite(r.train.trainLoss), loss_type).toBe(true);
    }
  });

  it('names the option a GRPO run cannot take', async () => {
    const { base } = await tinyRlSetup(7);
    const config = { ...RUN, model_name_or_path: base, max_steps: 1 };
    const message = async (extra: Record<string, unknown>) =>
      new GrpoTrainer({ ...config, ...extra }, { log: () => {}, progress: false, handleSignals: false })
        .train()
        .then(() => 'trained')
        .catch((e: Error) => e.message);
    expect(await message({ per_device_train_batch_size: 12 })).toContain(
      '--per_device_train_batch_size is 12; expected a multiple of --num_generations 8',
    );
    expect(await message({ eval_strategy: 'steps' })).toContain('--eval_strategy is "steps"; expected no');
    expect(() => new GrpoTrainer({ ...config, use_vllm: true })).toThrow(
      '--use_vllm is true; expected false',
    );
    expect(() => new GrpoTrainer({ ...config, reward_funcs: 'accuracy_reward' })).toThrow(/accuracy/);
    expect(() => new GrpoTrainer({ ...config, lora_r: 0 })).toThrow('--lora_r is 0');
    expect(() => new GrpoTrainer({ ...config, num_generations: 1 })).toThrow('--num_generations is 1');
    expect(await message({ reward_weights: '1,2,3' })).toContain(
      '2 comma-separated numbers, one per reward function (format, accuracy)',
    );
  });
});
