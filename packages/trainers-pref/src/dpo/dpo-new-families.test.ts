import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, type TinyModelOptions } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetrics, TINY_RUN } from '../test-support/train-tiny.js';
import { writePreferenceFile } from '../test-support/tiny-setup.js';
import { DpoTrainer } from './dpo-trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Gemma 2's soft-capped head (its log-probs and mean logits go through the model's head ops) and
// Baichuan2 13B-style (ALiBi, NormHead), whose q/k/v are one W_pack module (DPO's default targets,
// q_proj and v_proj, are not there).
const FAMILIES: [string, TinyModelOptions, Record<string, unknown>][] = [
  ['gemma2', { architecture: 'gemma2', config: { finalLogitSoftcapping: 5 } }, {}],
  [
    'baichuan2 (ALiBi, NormHead)',
    { architecture: 'baichuan', config: { positionEncoding: 'alibi', normHead: true } },
    { target_modules: 'W_pack' },
  ],
];

describe('LoRA DPO on the new families', () => {
  it.each(FAMILIES)('%s: ln 2 first, every metric finite, the loss falls', async (_, options, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-dpo-family-'));
    const base = join(dir, 'base');
    await createTinyModel({ seed: 0, hiddenSize: 32, intermediateSize: 64, ...options }, base);
    const data = writePreferenceFile(dir, 8, { bad: false });
    const out = join(dir, 'out');
    const before = tf.memory().numTensors;
    await new DpoTrainer(
      {
        ...TINY_RUN,
        model_name_or_path: base,
        train_file_dir: data.file,
        output_dir: out,
        max_source_length: 64,
        max_target_length: 24,
        max_steps: 4,
        eval_strategy: 'no',
        ...extra,
      },
      { log: () => undefined, progress: false, handleSignals: false },
    ).train();
    expect(tf.memory().numTensors).toBe(before);
    const steps = (await readMetrics(out)).filter((e) => e.loss !== undefined);
    expect(steps).toHaveLength(4);
    expect(steps[0]!.loss).toBeCloseTo(Math.log(2), 5);
    for (const e of steps) for (const v of Object.values(e)) expect(Number.isFinite(v)).toBe(true);
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0]!.loss!);
  });
});
