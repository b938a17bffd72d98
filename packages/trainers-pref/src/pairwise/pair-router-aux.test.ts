// TRL's DPO/ORPO/CPO/KTO add router_aux_loss_coef * aux_loss to every pair's loss when a mixture of experts
// runs with output_router_logits; so do ours (PairTask's routerAuxLossCoef), logging aux_loss as TRL does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { DpoTrainer } from '../dpo/dpo-trainer.js';
import { KtoTrainer } from '../kto/kto-trainer.js';
import { OrpoTrainer } from '../orpo/orpo-trainer.js';
import { readMetrics, TINY_RUN } from '../test-support/train-tiny.js';
import { writePreferenceFile } from '../test-support/tiny-setup.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const QUIET = { log: () => undefined, progress: false as const, handleSignals: false };
const COEF = 0.5;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'medgpt-pair-aux-'));
  const base = join(dir, 'base');
  await createTinyModel({ architecture: 'mixtral', seed: 0, hiddenSize: 32, intermediateSize: 64 }, base);
  const data = writePreferenceFile(dir, 8, { bad: false });
  const run = {
    ...TINY_RUN,
    model_name_or_path: base,
    train_file_dir: data.file,
    max_source_length: 64,
    max_target_length: 24,
    max_steps: 2,
    eval_strategy: 'no' as const,
  };
  return { dir, run };
}

describe('pairwise trainers on a mixture of experts', () => {
  it('DPO: with output_router_logits the first loss is ln 2 + coef * aux_loss, and aux_loss is logged', async () => {
    const { dir, run } = await setup();
    const out = join(dir, 'dpo');
    const before = tf.memory().numTensors;
    await new DpoTrainer(
      { ...run, output_dir: out, output_router_logits: true, router_aux_loss_coef: COEF },
      QUIET,
    ).train();
    expect(tf.memory().numTensors).toBe(before);
    const steps = (await readMetrics(out)).filter((e) => e.loss !== undefined);
    const first = steps[0]!;
    expect(first.aux_loss).toBeGreaterThan(0);
    expect(first.loss).toBeCloseTo(Math.log(2) + COEF * first.aux_loss!, 5);
  });

  it('DPO without output_router_logits adds nothing (ln 2, no aux_loss)', async () => {
    const { dir, run } = await setup();
    const out = join(dir, 'dpo-off');
    await new DpoTrainer({ ...run, output_dir: out, output_router_logits: false }, QUIET).train();
    const first = (await readMetrics(out)).find((e) => e.loss !== undefined)!;
    expect(first.aux_loss).toBeUndefined();
    expect(first.loss).toBeCloseTo(Math.log(2), 5);
  });

  it('ORPO logs aux_loss and adds it', async () => {
    const { dir, run } = await setup();
    const [on, off] = [join(dir, 'orpo-on'), join(dir, 'orpo-off')];
    await new OrpoTrainer(
      { ...run, output_dir: on, output_router_logits: true, router_aux_loss_coef: COEF },
      QUIET,
    ).train();
    await new OrpoTrainer({ ...run, output_dir: off, output_router_logits: false }, QUIET).train();
    const [a, b] = [(await readMetrics(on))[0]!, (await readMetrics(off))[0]!];
    expect(a.aux_loss).toBeGreaterThan(0);
    expect(a.loss).toBeCloseTo(b.loss! + COEF * a.aux_loss!, 4);
  });

  it('KTO: the first loss is 1/2 + coef * aux_loss', async () => {
    const { dir, run } = await setup();
    const out = join(dir, 'kto');
    await new KtoTrainer(
      { ...run, output_dir: out, output_router_logits: true, router_aux_loss_coef: COEF },
      QUIET,
    ).train();
    const first = (await readMetrics(out)).find((e) => e.loss !== undefined)!;
    expect(first.aux_loss).toBeGreaterThan(0);
    expect(first.loss).toBeCloseTo(0.5 + COEF * first.aux_loss!, 5);
  });
});
