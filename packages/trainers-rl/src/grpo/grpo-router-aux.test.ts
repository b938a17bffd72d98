// TRL's GRPO adds router_aux_loss_coef * aux_loss of the policy's forward for a mixture of experts; so
// does ours (GroupRolloutTask, shared with RLOO), with --output_router_logits / --router_aux_loss_coef.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { describe, expect, it } from 'vitest';
import { GRPO_FILE, LETTER_A, readMetrics } from '../test-support/tiny-rl-setup.js';
import { GrpoTrainer } from './grpo-trainer.js';

describe('GrpoTrainer on a mixture of experts', () => {
  it('with output_router_logits the first loss gains coef * aux_loss, and aux_loss is logged', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-grpo-moe-'));
    const base = join(dir, 'base');
    await createTinyModel({ architecture: 'mixtral', seed: 2, hiddenSize: 32, intermediateSize: 64 }, base);
    const coef = 0.5;
    const run = (name: string, extra: Record<string, unknown>) =>
      new GrpoTrainer(
        {
          train_file_dir: GRPO_FILE,
          model_name_or_path: base,
          output_dir: join(dir, name),
          num_generations: 4,
          per_device_train_batch_size: 8,
          max_completion_length: 6,
          max_prompt_length: 48,
          logging_steps: 1,
          save_steps: 1000,
          seed: 3,
          max_steps: 1,
          reward_funcs: 'format',
          ...extra,
        },
        { log: () => undefined, progress: false, handleSignals: false, rewardFns: [LETTER_A] },
      ).train();
    const before = tf.memory().numTensors;
    await run('on', { output_router_logits: true, router_aux_loss_coef: coef });
    expect(tf.memory().numTensors).toBe(before);
    await run('off', { output_router_logits: false });
    const [on, off] = [(await readMetrics(join(dir, 'on')))[0]!, (await readMetrics(join(dir, 'off')))[0]!];
    expect(off['aux_loss']).toBeUndefined();
    expect(on['aux_loss']).toBeGreaterThan(0);
    expect(on['reward']).toBe(off['reward']); // the same completions
    expect(on.loss).toBeCloseTo(off.loss! + coef * on['aux_loss']!, 4);
  });
});
