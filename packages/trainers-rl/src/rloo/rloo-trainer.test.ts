import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { describe, expect, it } from 'vitest';
import { LETTER_A, readMetrics, tinyRlSetup, writeConversations } from '../test-support/tiny-rl-setup.js';
import { RlooTrainer } from './rloo-trainer.js';

describe('RlooTrainer', () => {
  it("ppo_training.py's flags: a reward model scores prompt + completion, KL in the reward, LoRA adapter saved", async () => {
    const { dir, base } = await tinyRlSetup(8);
    const rm = join(dir, 'rm');
    await createTinyModel({ seed: 9, hiddenSize: 32, intermediateSize: 64, numLabels: 1 }, rm);
    const out = join(dir, 'rloo');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await new RlooTrainer(
      {
        sft_model_path: base,
        reward_model_path: rm,
        train_file_dir: writeConversations(dir, 6, 2),
        output_dir: out,
        use_peft: true,
        lora_r: 4,
        per_device_train_batch_size: 4,
        max_completion_length: 6,
        max_steps: 3,
        logging_steps: 1,
        learning_rate: 1e-2,
      },
      { log: (l) => void lines.push(l), progress: false, handleSignals: false },
    ).train();
    expect(tf.memory().numTensors).toBe(before);
    expect(result.saved).toBe('adapter');
    expect(existsSync(join(out, 'adapter_model.safetensors'))).toBe(true);
    const steps = (await readMetrics(out)).filter((e) => e.loss !== undefined);
    expect(steps).toHaveLength(3);
    for (const name of ['reward', 'rewards/reward_model/mean', 'kl', 'entropy', 'frac_reward_zero_std'])
      expect(Number.isFinite(steps[0]![name]), name).toBe(true);
    // The adapter starts at zero: the sampling policy is the reference, so the KL in the reward is 0.
    expect(steps[0]!.kl).toBeCloseTo(0, 5);
    const log = lines.join('\n');
    expect(log).toContain('rloo data: 8 records read, 0 invalid; 10 training prompts (one per human turn)');
    expect(log).toContain('rloo: G 2, β 0.05 (KL in the reward)');
    expect(log).toContain('rewards reward_model');
  });

  it('the leave-one-out update raises a toy reward (full fine-tuning, G 8, no KL)', async () => {
    const { dir, base } = await tinyRlSetup(5);
    const out = join(dir, 'toy');
    const result = await new RlooTrainer(
      {
        model_name_or_path: base,
        train_file_dir: writeConversations(dir, 6, 2),
        output_dir: out,
        num_generations: 8,
        per_device_train_batch_size: 16,
        max_completion_length: 8,
        beta: 0,
        max_steps: 16,
        logging_steps: 1,
        learning_rate: 3e-2,
        seed: 3,
      },
      { log: () => {}, progress: false, handleSignals: false, rewardFns: [LETTER_A] },
    ).train();
    expect(result.saved).toBe('model');
    const toy = (await readMetrics(out))
      .filter((e) => e.loss !== undefined)
      .map((e) => e['rewards/letter_a/mean']!);
    const early = (toy[0]! + toy[1]! + toy[2]!) / 3;
    const late = (toy[13]! + toy[14]! + toy[15]!) / 3;
    expect(late).toBeGreaterThan(early + 0.1);
  });
});
