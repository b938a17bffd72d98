// LongLoRA's S²-Attn on the tiny Llama fixture against tools/fixtures/make_shift_attn_fixture.py: the
// torch reference patches LlamaAttention.forward with LongLoRA's training forward.
import { readFileSync } from 'node:fs';
import { expectNoLeak, tf, valueAndGrads } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../generation/generate.js';
import { loadModel } from '../io/load-model.js';
import { fixtureDir } from '../test-fixtures.js';
import type { CausalLM } from './causal-lm.js';

interface ShiftAttnFixture {
  group_size_ratio: number;
  cases: {
    input_ids: number[][];
    group_size: number;
    loss: number;
    full_attention_loss: number;
    q_proj_grad: { name: string; shape: number[]; values: number[] };
  }[];
}

const fixture = JSON.parse(
  readFileSync(`${fixtureDir('llama')}/shift-attn.json`, 'utf8'),
) as ShiftAttnFixture;
const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
let model: CausalLM;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = await loadModel(fixtureDir('llama'));
});

afterAll(() => {
  model.dispose();
});

function lossAndGrad(ids: number[][], name: string): { loss: number; grad: Float32Array } {
  const original = model.weight(name);
  const v = tf.variable(original, true, `s2-probe-${Math.random()}`);
  model.setWeight(name, v, { disposeOld: false });
  try {
    return tf.tidy(() => {
      const { value, grads } = valueAndGrads(() => model.loss({ inputIds: int2d(ids) }, int2d(ids)), [v]);
      return { loss: value.dataSync()[0]!, grad: Object.values(grads)[0]!.dataSync() as Float32Array };
    });
  } finally {
    model.setWeight(name, original, { disposeOld: false });
    v.dispose();
  }
}

describe('shifted sparse attention (--shift_attn) on the tiny Llama', () => {
  it.each([false, true])(
    'loss and gradients equal the torch reference of LongLoRA (checkpointing %s)',
    (ckpt) => {
      model.gradientCheckpointing = ckpt;
      try {
        for (const c of fixture.cases) {
          model.shiftedSparseAttention = null;
          const full = tf.tidy(
            () => model.loss({ inputIds: int2d(c.input_ids) }, int2d(c.input_ids)).dataSync()[0]!,
          );
          expect(Math.abs(full - c.full_attention_loss)).toBeLessThan(1e-4);
          model.shiftedSparseAttention = { groupSizeRatio: fixture.group_size_ratio };
          const { loss, grad } = expectNoLeak(() => lossAndGrad(c.input_ids, c.q_proj_grad.name));
          expect(Math.abs(loss - c.loss)).toBeLessThan(1e-4);
          expect(Math.abs(loss - full)).toBeGreaterThan(1e-2); // the sparse pattern changes the loss
          const diff = Math.max(...c.q_proj_grad.values.map((g, i) => Math.abs(g - grad[i]!)));
          expect(diff).toBeLessThan(1e-4);
        }
      } finally {
        model.shiftedSparseAttention = null;
        model.gradientCheckpointing = false;
      }
    },
  );

  it('generation attends in full with the switch on (LongLoRA infers with full attention)', async () => {
    const prompts = [
      fixture.cases[0]!.input_ids[0]!.slice(0, 7),
      fixture.cases[1]!.input_ids[1]!.slice(0, 5),
    ];
    const opts = { maxNewTokens: 6, doSample: false, eosTokenIds: [] };
    const plain = await generate(model, prompts, opts);
    model.shiftedSparseAttention = { groupSizeRatio: 0.25 };
    try {
      expect((await generate(model, prompts, opts)).tokenIds).toEqual(plain.tokenIds);
    } finally {
      model.shiftedSparseAttention = null;
    }
  });

  it('refuses a training row that does not split into groups', () => {
    model.shiftedSparseAttention = { groupSizeRatio: 0.25 };
    try {
      const ids = [[5, 6, 7, 8, 9, 10, 11, 12, 13]];
      expect(() => model.loss({ inputIds: int2d(ids) }, int2d(ids))).toThrow(/pad rows to a multiple of 4/);
    } finally {
      model.shiftedSparseAttention = null;
    }
  });
});
