// Our log-probs, losses and metrics against torch's on the same tiny model, batch and formulas
// (fixtures/torch-preference.json, made by tools/fixtures/make_pref_fixtures.py on the GPU machine).
import { existsSync, readFileSync } from 'node:fs';
import { Generator, tf } from '@medgpt/core-tensor';
import { loadModel, type CausalLM } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import type { TrainableWeights } from '@medgpt/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpoTask } from './cpo/cpo-task.js';
import { DpoTask } from './dpo/dpo-task.js';
import { DPO_LOSS_TYPES, type DpoLossType } from './losses/dpo-loss.js';
import { sequenceLogps } from './logps/sequence-logps.js';
import { OrpoTask } from './orpo/orpo-task.js';
import type { PairBatch, PairRow, PairTask } from './pairwise/pair-task.js';
import { adapterDisabledReference } from './reference/reference-model.js';

const FIXTURE = new URL('./fixtures/torch-preference.json', import.meta.url).pathname;
const BASES = new URL('../../models/src/fixtures/', import.meta.url).pathname;
const ADAPTERS = new URL('../../peft/src/fixtures/py-adapters/', import.meta.url).pathname;
const MADE_BY =
  'python3 tools/fixtures/make_pref_fixtures.py packages/trainers-pref/src/fixtures/torch-preference.json';

interface Fixture {
  base: string;
  adapter: string;
  pad_token_id: number;
  max_length: number;
  pairs: { prompt: number[]; chosen: number[]; rejected: number[] }[];
  batch: Record<'input_ids' | 'attention_mask' | 'completion_mask', number[][]>;
  policy: Record<'logps' | 'lengths' | 'logit_sums' | 'whole_sums' | 'whole_lengths', number[]>;
  reference: { logps: number[] };
  dpo: Record<string, Record<DpoLossType, { loss: number }>>;
  'dpo_metrics_beta_0.1': Record<string, number>;
  orpo: { lambda: number; loss: number; metrics: Record<string, number> };
  cpo: Record<
    'sigmoid' | 'simpo',
    { beta: number; cpo_alpha: number; simpo_gamma?: number; loss: number; metrics: Record<string, number> }
  >;
}

const present = existsSync(FIXTURE);
if (!present)
  console.warn(`SKIP torch parity: ${FIXTURE} is missing; make it on the GPU machine with: ${MADE_BY}`);

describe.skipIf(!present)('torch parity (tiny llama + peft adapter)', () => {
  let fx: Fixture;
  let model: CausalLM;
  let peft: PeftModel;
  let weights: TrainableWeights;
  let batch: PairBatch;
  const generator = new Generator(0);

  beforeAll(async () => {
    await tf.setBackend('cpu');
    fx = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
    model = await loadModel(BASES + fx.base, { dtype: 'float32' });
    peft = new PeftModel(model);
    await peft.loadAdapter(ADAPTERS + fx.adapter);
    weights = {
      kind: 'lora',
      parameters: peft.trainableVariables(),
      setTraining: (t: boolean) => void (peft.training = t),
    } as unknown as TrainableWeights;
  });
  afterAll(() => {
    peft.dispose();
    model.dispose();
  });

  const rows = (): PairRow[] =>
    fx.pairs.map((p) => ({ promptIds: p.prompt, chosenIds: p.chosen, rejectedIds: p.rejected }));
  const common = () => ({ weights, padTokenId: fx.pad_token_id, maxLength: fx.max_length, model });
  const expectClose = (got: ArrayLike<number>, want: number[], atol = 2e-4) => {
    expect(got).toHaveLength(want.length);
    Array.from(got).forEach((g, i) =>
      expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(atol + 1e-4 * Math.abs(want[i]!)),
    );
  };
  /** The task's mean loss on the batch, and the metrics it recorded. */
  const evaluate = (task: PairTask) => {
    const loss = task.loss(batch, 'mean', { training: false, generator });
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return { loss: value, metrics: task.takeMetrics('eval') };
  };
  const expectMetrics = (got: Record<string, number>, want: Record<string, number>) => {
    for (const [name, value] of Object.entries(want)) expectClose([got[name]!], [value]);
  };

  it("collates as TRL's DataCollatorForPreference (keep_start truncation, right padding)", () => {
    const dpo = new DpoTask({
      ...common(),
      reference: null,
      beta: 0.1,
      losses: [],
      labelSmoothing: 0,
      discopopTau: 0.05,
    });
    batch = dpo.collate(rows());
    const flat = (m: number[][]) => m.flat();
    expect(Array.from(batch.tokens.inputIds)).toEqual(flat(fx.batch.input_ids));
    expect(Array.from(batch.tokens.attentionMask)).toEqual(flat(fx.batch.attention_mask));
    expect(Array.from(batch.tokens.completionMask)).toEqual(flat(fx.batch.completion_mask));
  });

  it('sequence log-probs of the policy and the adapter-disabled reference', () => {
    tf.tidy(() => {
      const p = sequenceLogps(model, batch.tokens, { meanLogits: true, wholeSequence: true });
      expectClose(p.sum.dataSync(), fx.policy.logps);
      expectClose(p.lengths, fx.policy.lengths, 0);
      expectClose(p.logitSums!.dataSync(), fx.policy.logit_sums);
      expectClose(p.wholeSum!.dataSync(), fx.policy.whole_sums);
      expectClose(p.wholeLengths!, fx.policy.whole_lengths, 0);
      expectClose(adapterDisabledReference(peft).logps(batch.tokens).dataSync(), fx.reference.logps);
    });
  });

  it('every DPO loss type, at (β 0.1, ε 0) and (β 0.5, ε 0.1), and the metrics', () => {
    const reference = adapterDisabledReference(peft);
    for (const [key, beta, eps] of [
      ['beta=0.1,eps=0.0', 0.1, 0],
      ['beta=0.5,eps=0.1', 0.5, 0.1],
    ] as const) {
      for (const type of DPO_LOSS_TYPES) {
        const task = new DpoTask({
          ...common(),
          reference,
          beta,
          losses: [{ type, weight: 1 }],
          labelSmoothing: eps,
          discopopTau: 0.05,
        });
        const { loss, metrics } = evaluate(task);
        expectClose([loss], [fx.dpo[key]![type].loss]);
        if (beta === 0.1 && type === 'sigmoid') expectMetrics(metrics, fx['dpo_metrics_beta_0.1']);
        task.dispose();
      }
    }
  });

  it('ORPO: the loss (NLL over prompt + chosen, minus λ·mean logσ(log odds)) and its metrics', () => {
    const task = new OrpoTask({ ...common(), lambda: fx.orpo.lambda });
    const { loss, metrics } = evaluate(task);
    expectClose([loss], [fx.orpo.loss]);
    expectMetrics(metrics, fx.orpo.metrics);
    task.dispose();
  });

  it('CPO (sigmoid + NLL) and SimPO', () => {
    for (const lossType of ['sigmoid', 'simpo'] as const) {
      const c = fx.cpo[lossType];
      const task = new CpoTask({
        ...common(),
        lossType,
        beta: c.beta,
        simpoGamma: c.simpo_gamma ?? 0.5,
        cpoAlpha: c.cpo_alpha,
        labelSmoothing: 0,
      });
      const { loss, metrics } = evaluate(task);
      expectClose([loss], [c.loss]);
      expectMetrics(metrics, c.metrics);
      task.dispose();
    }
  });
});
