import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { describe, expect, it } from 'vitest';
import { readMetrics, tinyRlSetup, writeConversations } from '../test-support/tiny-rl-setup.js';
import { DistillTrainer } from './distill-trainer.js';

describe('DistillTrainer', () => {
  it("the student's divergence from the teacher falls on the data's answers (λ 0), and on-policy steps run (λ 1)", async () => {
    const { dir, base } = await tinyRlSetup(13);
    const teacher = join(dir, 'teacher');
    await createTinyModel({ seed: 14, hiddenSize: 32, intermediateSize: 64, initializerRange: 0.2 }, teacher);
    const data = writeConversations(dir, 6, 2);
    const lines: string[] = [];
    const run = (name: string, extra: Record<string, unknown>) =>
      new DistillTrainer(
        {
          model_name_or_path: base,
          teacher_model_name_or_path: teacher,
          train_file_dir: data,
          output_dir: join(dir, name),
          per_device_train_batch_size: 4,
          max_new_tokens: 8,
          learning_rate: 1e-2,
          logging_steps: 1,
          seed: 3,
          ...extra,
        },
        { log: (l) => void lines.push(l), progress: false, handleSignals: false },
      ).train();
    const before = tf.memory().numTensors;
    await run('off', { opd_lambda: 0, max_steps: 12 });
    expect(tf.memory().numTensors).toBe(before);
    const loss = (await readMetrics(join(dir, 'off')))
      .filter((e) => e.loss !== undefined)
      .map((e) => e.loss!);
    expect(loss).toHaveLength(12);
    expect((loss[9]! + loss[10]! + loss[11]!) / 3).toBeLessThan(0.7 * ((loss[0]! + loss[1]! + loss[2]!) / 3));
    const on = await run('on', { opd_lambda: 1, opd_beta: 1, use_peft: true, lora_r: 4, max_steps: 2 });
    expect(on.saved).toBe('adapter');
    expect(Number.isFinite(on.train.trainLoss)).toBe(true);
    const log = lines.join('\n');
    expect(log).toContain('distill data: 8 records read, 0 invalid; 10 samples (one per assistant turn)');
    expect(log).toContain('distill: λ 1 on-policy, β 1 (reverse KL)');
  });

  it('refuses a teacher whose vocabulary differs from the student’s', async () => {
    const { dir, base } = await tinyRlSetup(15);
    const teacher = join(dir, 'big-teacher');
    await createTinyModel({ seed: 16, hiddenSize: 32, intermediateSize: 64, vocabSize: 300 }, teacher);
    const error = await new DistillTrainer(
      {
        model_name_or_path: base,
        teacher_model_name_or_path: teacher,
        train_file_dir: writeConversations(dir),
        max_steps: 1,
      },
      { log: () => {}, progress: false, handleSignals: false },
    )
      .train()
      .catch((e: Error) => e.message);
    expect(error).toContain('--teacher_model_name_or_path');
    expect(error).toContain('vocab_size');
  });
});
