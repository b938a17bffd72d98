import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { describe, expect, it } from 'vitest';
import { LETTER_A, readMetrics, tinyRlSetup, writeConversations } from '../test-support/tiny-rl-setup.js';
import { PpoTrainer } from './ppo-trainer.js';

describe('PpoTrainer', () => {
  it('LoRA policy + value model from the reward model: KL 0 at first, epochs reuse the rollouts, TRL metric names', async () => {
    const { dir, base } = await tinyRlSetup(10);
    const rm = join(dir, 'rm');
    await createTinyModel({ seed: 11, hiddenSize: 32, intermediateSize: 64, numLabels: 1 }, rm);
    const out = join(dir, 'ppo');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await new PpoTrainer(
      {
        sft_model_path: base,
        reward_model_path: rm,
        train_file_dir: writeConversations(dir),
        output_dir: out,
        use_peft: true,
        lora_r: 4,
        per_device_train_batch_size: 4,
        response_length: 6,
        num_ppo_epochs: 2,
        missing_eos_penalty: 1,
        max_steps: 4,
        logging_steps: 1,
        learning_rate: 1e-2,
      },
      { log: (l) => void lines.push(l), progress: false, handleSignals: false },
    ).train();
    expect(tf.memory().numTensors).toBe(before);
    expect(result.saved).toBe('adapter');
    const steps = (await readMetrics(out)).filter((e) => e.loss !== undefined);
    expect(steps).toHaveLength(4);
    for (const name of [
      'objective/kl',
      'objective/scores',
      'objective/rlhf_reward',
      'loss/policy_avg',
      'loss/value_avg',
      'policy/clipfrac_avg',
      'val/clipfrac_avg',
      'entropy',
    ])
      expect(Number.isFinite(steps[0]![name]), name).toBe(true);
    expect(steps[0]!['objective/kl']).toBeCloseTo(0, 5); // the adapter starts at zero: policy = reference
    // num_ppo_epochs 2: steps 2 and 4 train on the rollouts of steps 1 and 3.
    expect(steps.map((e) => e['objective/scores'] !== undefined)).toEqual([true, false, true, false]);
    const log = lines.join('\n');
    expect(log).toContain('ppo data: 8 records read, 0 invalid; 8 training prompts (one per human turn)');
    expect(log).toMatch(
      /ppo: 2 epochs per rollout batch, KL k1 β 0.05, γ 1 λ 0.95, value model from .*rm \([\d,]+ parameters\); rewards reward_model/,
    );
  });

  it('full fine-tuning raises a toy reward added to the reward model’s score', async () => {
    const { dir, base } = await tinyRlSetup(5);
    const rm = join(dir, 'rm');
    await createTinyModel(
      { seed: 12, hiddenSize: 32, intermediateSize: 64, numLabels: 1, initializerRange: 0.001 },
      rm,
    );
    const out = join(dir, 'toy');
    await new PpoTrainer(
      {
        model_name_or_path: base,
        reward_model_path: rm,
        train_file_dir: writeConversations(dir),
        output_dir: out,
        per_device_train_batch_size: 8,
        response_length: 8,
        temperature: 1,
        kl_coef: 0,
        num_ppo_epochs: 1,
        max_steps: 16,
        logging_steps: 1,
        learning_rate: 3e-2,
        seed: 3,
      },
      { log: () => {}, progress: false, handleSignals: false, rewardFns: [LETTER_A] },
    ).train();
    const toy = (await readMetrics(out))
      .filter((e) => e.loss !== undefined)
      .map((e) => e['rewards/letter_a/mean']!);
    const early = (toy[0]! + toy[1]! + toy[2]!) / 3;
    const late = (toy[13]! + toy[14]! + toy[15]!) / 3;
    expect(late).toBeGreaterThan(early + 0.1);
  });
});
