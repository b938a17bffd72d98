import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { loadModel } from '@medgpt/models';
import { mergePeftAdapter, PeftModel } from '@medgpt/peft';
import { loadTokenizer } from '@medgpt/tokenizer';
import { paddingId } from '@medgpt/trainer';
import { describe, expect, it } from 'vitest';
import { trainTiny } from '../test-support/train-tiny.js';
import { RewardTrainer } from './reward-trainer.js';

const ls = (x: number) => -Math.log1p(Math.exp(-x));
const METRICS = ['accuracy', 'margin', 'mean_reward', 'min_reward', 'max_reward'];
// Two rows, the second right-padded with the pad id: the rewards are read before the padding.
const scoreBatch = (model: Awaited<ReturnType<typeof loadModel>>, pad: number) =>
  tf.tidy(() =>
    Array.from(
      model
        .scores({
          inputIds: tf.tensor2d(
            [
              [5, 6, 7, 8],
              [9, 10, pad, pad],
            ],
            [2, 4],
            'int32',
          ),
          attentionMask: tf.tensor2d(
            [
              [1, 1, 1, 1],
              [1, 1, 0, 0],
            ],
            [2, 4],
            'int32',
          ),
        })
        .dataSync(),
    ),
  );

describe('RewardTrainer', () => {
  it('one pair per step: loss = -logσ(r_chosen - r_rejected); the full model saves as a transformers classifier', async () => {
    const run = await trainTiny((c, r) => new RewardTrainer(c, r), {
      use_peft: false,
      per_device_train_batch_size: 1,
      learning_rate: 1e-3,
      max_steps: 6,
    });
    expect(run.leaked).toBe(0);
    expect(run.result.saved).toBe('model');
    for (const e of run.steps) {
      for (const name of METRICS) expect(Number.isFinite(e[name])).toBe(true);
      expect(e.loss).toBeCloseTo(-ls(e.margin!), 4);
    }
    expect(run.evals.at(-1)!.eval_accuracy).toBeDefined();
    const config = JSON.parse(readFileSync(join(run.out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.architectures).toEqual(['Qwen2ForSequenceClassification']);
    expect(config.id2label).toEqual({ 0: 'LABEL_0' });
    const pad = paddingId(await loadTokenizer(run.out));
    expect(config.pad_token_id).toBe(pad);
    const model = await loadModel(run.out);
    expect(model.config.numLabels).toBe(1);
    expect(scoreBatch(model, pad).every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('LoRA: a peft SEQ_CLS adapter that trains the score head in full; it ranks chosen over rejected; merges', async () => {
    const run = await trainTiny((c, r) => new RewardTrainer(c, r), { max_steps: 10, learning_rate: 2e-2 });
    expect(run.leaked).toBe(0);
    expect(run.result.saved).toBe('adapter');
    const adapter = JSON.parse(readFileSync(join(run.out, 'adapter_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(adapter.task_type).toBe('SEQ_CLS');
    expect(adapter.modules_to_save).toEqual(['classifier', 'score']);
    expect(adapter.target_modules).not.toContain('score');
    expect(run.steps.at(-1)!.accuracy).toBe(1);
    expect(run.steps.at(-1)!.margin).toBeGreaterThan(run.steps[0]!.margin!);
    expect(run.lines.join('\n')).toContain(
      'rm data: 18 records read, 1 invalid; 12 training pairs, 4 evaluation',
    );

    // The base as a classifier plus the adapter (what PeftModel.from_pretrained gives in Python), and
    // the merged checkpoint `medgpt merge` writes, score alike.
    const pad = paddingId(await loadTokenizer(run.out));
    const base = await loadModel(join(run.dir, 'base'), { numLabels: 1 });
    base.setPadTokenId(pad);
    const peft = new PeftModel(base);
    await peft.loadAdapter(run.out);
    const withAdapter = scoreBatch(base, pad);
    peft.dispose();
    base.dispose();
    const merged = join(run.dir, 'merged');
    await mergePeftAdapter({
      baseModel: join(run.dir, 'base'),
      loraModel: run.out,
      outputDir: merged,
      tokenizerPath: run.out,
    });
    const model = await loadModel(merged);
    expect(model.config.padTokenId).toBe(pad);
    const got = scoreBatch(model, pad);
    got.forEach((v, i) => expect(v).toBeCloseTo(withAdapter[i]!, 5));
    model.dispose();
  });
});
