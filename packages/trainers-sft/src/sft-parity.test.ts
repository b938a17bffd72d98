// Loss parity with transformers + torch: the same SFT steps from the same weights and token rows give
// the same losses, gradient norms and learning rates (fixture: tools/fixtures/make_sft_parity_fixtures.py,
// run with transformers 5.17 / torch 2.11 on CPU).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDecayParameterNames, tf } from '@medgpt/core-tensor';
import { numpyPermutation, type LabeledSequence } from '@medgpt/data';
import { loadModel, parameterSpecs, type CausalLM } from '@medgpt/models';
import { fullWeights, Trainer, type LogEntry } from '@medgpt/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalLmTask } from './stage/causal-lm-task.js';

const FIXTURE = new URL('./fixtures/sft-parity.json', import.meta.url).pathname;
const ROOT = new URL('../../../', import.meta.url).pathname;
// Fixtures made before the script counted num_items_in_batch as transformers 5 does lack this field.
const SHIFTED_COUNT = 'labels[..., 1:] != -100';

interface StepRecord {
  step: number;
  loss: number;
  grad_norm: number;
  learning_rate: number;
}

interface Row {
  input_ids: number[];
  labels: number[];
}

interface ParityFixture {
  model: string;
  args: Record<string, number | string>;
  pad_token_id: number;
  num_items_in_batch?: string;
  rows: Row[];
  eval_rows: Row[];
  decay_parameters: string[];
  steps: StepRecord[];
  eval_loss: number;
  weights_after: Record<string, number[]>;
  hf_trainer: {
    steps: StepRecord[];
    eval_loss?: number;
    weights_after?: Record<string, number[]>;
    error: string | null;
    max_rel_diff?: Record<string, number | null>;
  };
}

const fx = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as ParityFixture) : undefined;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const toRow = (r: Row): LabeledSequence => ({ inputIds: r.input_ids, labels: r.labels });

/** Our trainer on the fixture's rows and arguments: its training logs, eval loss and trained model. */
async function ourRun(f: ParityFixture): Promise<{ logs: LogEntry[]; evalLoss: number; model: CausalLM }> {
  const model = await loadModel(join(ROOT, f.model), { dtype: 'float32' });
  // The trainer draws each epoch's order as np.random.default_rng(seed).permutation(n); transformers ran
  // the rows in fixture order, so place them where that permutation reads them.
  const order = numpyPermutation(f.rows.length, Number(f.args.seed));
  const dataset: LabeledSequence[] = new Array(f.rows.length);
  order.forEach((index, position) => (dataset[index] = toRow(f.rows[position]!)));
  const task = new CausalLmTask({
    model,
    weights: fullWeights(model),
    padTokenId: f.pad_token_id,
    padToMultipleOf: 4,
  });
  const a = f.args;
  const trainer = new Trainer({
    args: {
      output_dir: mkdtempSync(join(tmpdir(), 'medgpt-parity-')),
      learning_rate: Number(a.learning_rate),
      weight_decay: Number(a.weight_decay),
      adam_beta1: Number(a.adam_beta1),
      adam_beta2: Number(a.adam_beta2),
      adam_epsilon: Number(a.adam_epsilon),
      max_grad_norm: Number(a.max_grad_norm),
      lr_scheduler_type: String(a.lr_scheduler_type),
      warmup_ratio: Number(a.warmup_ratio),
      max_steps: Number(a.max_steps),
      per_device_train_batch_size: Number(a.per_device_train_batch_size),
      per_device_eval_batch_size: Number(a.per_device_eval_batch_size),
      gradient_accumulation_steps: Number(a.gradient_accumulation_steps),
      seed: Number(a.seed),
      logging_steps: 1,
      save_strategy: 'no',
    },
    task,
    trainDataset: dataset,
    evalDataset: f.eval_rows.map(toRow),
    log: () => undefined,
    progress: false,
    handleSignals: false,
  });
  const result = await trainer.train();
  return {
    logs: result.logHistory.filter((e) => e.loss !== undefined),
    evalLoss: trainer.evaluate().eval_loss,
    model,
  };
}

function expectSteps(ours: LogEntry[], expected: StepRecord[], who: string): void {
  if (process.env.MEDGPT_PARITY_REPORT) {
    for (const [i, want] of expected.entries()) {
      const got = ours[i]!;
      console.log(
        `${who} step ${want.step}: loss ${got.loss} vs ${want.loss} (rel ${rel(got.loss!, want.loss).toExponential(2)}), grad_norm ${got.grad_norm} vs ${want.grad_norm} (rel ${rel(got.grad_norm!, want.grad_norm).toExponential(2)}), lr ${got.learning_rate} vs ${want.learning_rate}`,
      );
    }
  }
  expect(ours.map((e) => e.step)).toEqual(expected.map((s) => s.step));
  for (const [i, want] of expected.entries()) {
    const got = ours[i]!;
    const at = `${who}, step ${want.step}`;
    expect(rel(got.loss!, want.loss), `${at} loss ${got.loss} vs ${want.loss}`).toBeLessThan(1e-4);
    expect(
      rel(got.grad_norm!, want.grad_norm),
      `${at} grad_norm ${got.grad_norm} vs ${want.grad_norm}`,
    ).toBeLessThan(1e-4);
    expect(Math.abs(got.learning_rate! - want.learning_rate), `${at} learning_rate`).toBeLessThan(1e-9);
  }
}

function expectWeights(model: CausalLM, expected: Record<string, number[]>, who: string): void {
  for (const [name, values] of Object.entries(expected)) {
    const got = Array.from(model.weight(name).dataSync().subarray(0, values.length));
    got.forEach((v, i) =>
      expect(Math.abs(v - values[i]!), `${who}: ${name}[${i}] ${v} vs ${values[i]}`).toBeLessThan(
        1e-5 + 1e-4 * Math.abs(values[i]!),
      ),
    );
  }
}

describe.skipIf(fx === undefined)('SFT steps against transformers + torch (fixtures/sft-parity.json)', () => {
  const f = fx!;
  let run: Awaited<ReturnType<typeof ourRun>>;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    run = await ourRun(f);
  });
  afterAll(() => run?.model.dispose());

  it("decays the parameters transformers' Trainer decays", () => {
    const names = parameterSpecs(run.model.config).map((s) => s.name);
    // HF also lists the tied lm_head.weight, which is the embedding (one tensor, decayed once).
    const expected = f.decay_parameters.filter((n) => names.includes(n));
    expect(f.decay_parameters.filter((n) => !names.includes(n))).toEqual(
      run.model.config.tieWordEmbeddings ? ['lm_head.weight'] : [],
    );
    expect(getDecayParameterNames(names).sort()).toEqual(expected.sort());
  });

  it("gives transformers' Trainer's per-step loss, grad norm and learning rate (1e-4 relative), eval loss, weights", () => {
    expect(f.hf_trainer.error, f.hf_trainer.error ?? '').toBeNull();
    expectSteps(run.logs, f.hf_trainer.steps, 'transformers.Trainer');
    if (f.hf_trainer.eval_loss !== undefined)
      expect(rel(run.evalLoss, f.hf_trainer.eval_loss)).toBeLessThan(1e-4);
    if (f.hf_trainer.weights_after)
      expectWeights(run.model, f.hf_trainer.weights_after, 'transformers.Trainer');
  });

  it.skipIf(f?.num_items_in_batch !== SHIFTED_COUNT)(
    "matches the fixture's plain torch loop too, which agrees with transformers' Trainer",
    () => {
      expectSteps(run.logs, f.steps, 'torch loop');
      expect(rel(run.evalLoss, f.eval_loss), `eval_loss ${run.evalLoss} vs ${f.eval_loss}`).toBeLessThan(
        1e-4,
      );
      expectWeights(run.model, f.weights_after, 'torch loop');
      const diff = f.hf_trainer.max_rel_diff!;
      expect(diff.loss!).toBeLessThan(1e-5);
      expect(diff.grad_norm!).toBeLessThan(1e-5);
      expect(diff.learning_rate!).toBeLessThan(1e-9);
    },
  );
});
