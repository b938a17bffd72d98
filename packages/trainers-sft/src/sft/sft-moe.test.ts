// A mixture of experts (Mixtral, Qwen3-MoE) through SFT with LoRA on the sample data: MedicalGPT's
// default targets (attention only for MoE), the routers' load-balancing loss on and logged, and the
// loss transformers trains on (token mean + router_aux_loss_coef * aux_loss per micro-batch).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, SafetensorsFile, tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel } from '@medgpt/models';
import { fullWeights, type LogEntry } from '@medgpt/trainer';
import { beforeAll, describe, expect, it } from 'vitest';
import { CausalLmTask } from '../stage/causal-lm-task.js';
import { loraSmokeConfig, QUIET, SFT_FILE } from '../test-support/tiny-setup.js';
import { SftTrainer } from './sft-trainer.js';

const trained = (h: LogEntry[]) => h.filter((e) => e.loss !== undefined);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function tinyMoe(architecture: string): Promise<{ dir: string; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), `medgpt-sft-${architecture}-`));
  const base = join(dir, 'base');
  await createTinyModel({ architecture, seed: 0, hiddenSize: 32, intermediateSize: 64 }, base);
  return { dir, base };
}

describe.each(['mixtral', 'qwen3_moe'])('%s', (architecture) => {
  it('LoRA SFT on the sample data: attention-only adapter, aux_loss logged, the loss finite and falling', async () => {
    const { dir, base } = await tinyMoe(architecture);
    const out = join(dir, 'lora');
    const before = tf.memory().numTensors;
    const result = await new SftTrainer(
      loraSmokeConfig(base, out, {
        output_router_logits: true,
        router_aux_loss_coef: 0.02,
      }),
      QUIET,
    ).train();
    expect(tf.memory().numTensors).toBe(before);
    const logs = trained(result.train.logHistory);
    const l = logs.map((e) => e.loss!);
    expect(l).toHaveLength(6);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l.at(-1)!).toBeLessThan(l[0]!);
    // transformers' load_balancing_loss_func is num_experts * Σ share * prob: 1 when perfectly balanced.
    expect(logs.every((e) => e.aux_loss! > 0.9 && e.aux_loss! < 4)).toBe(true);
    expect(result.evalMetrics!.eval_aux_loss).toBeGreaterThan(0.9);
    const file = await SafetensorsFile.open(join(out, 'adapter_model.safetensors'));
    expect(file.names.length).toBeGreaterThan(0);
    expect(file.names.every((n) => /\.self_attn\.[qkvo]_proj\.lora_[AB]\.weight$/.test(n))).toBe(true);
    await file.close();
    const config = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'));
    expect([...config.target_modules].sort()).toEqual(['k_proj', 'o_proj', 'q_proj', 'v_proj']);
  });
});

it('mixtral: experts on request (target_modules w1,w2,w3) with gradient checkpointing train too', async () => {
  const { dir, base } = await tinyMoe('mixtral');
  const result = await new SftTrainer(
    {
      model_name_or_path: base,
      train_file_dir: SFT_FILE,
      output_dir: join(dir, 'experts'),
      torch_dtype: 'float32',
      model_max_length: 48,
      max_train_samples: 8,
      max_eval_samples: 2,
      per_device_train_batch_size: 4,
      max_steps: 4,
      learning_rate: 2e-2,
      logging_steps: 1,
      save_steps: 100,
      lora_rank: 4,
      lora_alpha: 8,
      target_modules: 'w1,w2,w3',
      gradient_checkpointing: true,
      output_router_logits: true,
    },
    QUIET,
  ).train();
  const l = trained(result.train.logHistory).map((e) => e.loss!);
  expect(l.every(Number.isFinite)).toBe(true);
  expect(l.at(-1)!).toBeLessThan(l[0]!);
  const file = await SafetensorsFile.open(join(dir, 'experts', 'adapter_model.safetensors'));
  expect(file.names.every((n) => /block_sparse_moe\.experts\.\d\.w[123]\.lora_[AB]\.weight$/.test(n))).toBe(
    true,
  );
  expect(file.names).toHaveLength(2 * 4 * 3 * 2);
  await file.close();
});

it("the task's loss is transformers' MoE loss: token mean + coef * aux_loss, the same summed or averaged", async () => {
  const { base } = await tinyMoe('qwen3_moe');
  const model = await loadModel(base);
  const task = new CausalLmTask({
    model,
    weights: fullWeights(model),
    padTokenId: 0,
    routerAuxLossCoef: 0.5,
  });
  const rows = [
    { inputIds: [5, 6, 7, 8, 9], labels: [-100, -100, 7, 8, 9] },
    { inputIds: [10, 11, 12], labels: [10, 11, 12] },
  ];
  const batch = task.collate(rows);
  const items = task.lossItems(batch);
  const context = { training: false, generator: new Generator(0) };
  const read = (t: tf.Scalar) => {
    const v = t.dataSync()[0]!;
    t.dispose();
    return v;
  };
  const mean = read(task.loss(batch, 'mean', context));
  const summed = read(task.loss(batch, 'sum', { ...context, training: true, stepLossItems: items }));
  const parts = tf.tidy(() => {
    const t = (x: ArrayLike<number>) =>
      tf.tensor2d(Array.from(x), [batch.batchSize, batch.seqLength], 'int32');
    const { loss, auxLoss } = model.lossWithRouterAux(
      {
        inputIds: t(batch.inputIds),
        attentionMask: t(batch.attentionMask),
        positionIds: t(batch.positionIds),
      },
      t(batch.labels),
    );
    return [loss.dataSync()[0]!, auxLoss.dataSync()[0]!];
  });
  expect(mean).toBeCloseTo(parts[0]! + 0.5 * parts[1]!, 5);
  expect(summed / items).toBeCloseTo(mean, 5);
  expect(task.takeMetrics('eval').aux_loss).toBeCloseTo(parts[1]!, 5);
  expect(task.takeMetrics('train').aux_loss).toBeCloseTo(parts[1]!, 5);
  model.dispose();
});
