import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeness, expectNoLeak, tf, valueAndGrads } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import { createTinyModel } from '../tiny/create-tiny-model.js';
import type { CausalLM } from './causal-lm.js';

const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

let dir: string;
let model: CausalLM;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'medgpt-packing-'));
  await createTinyModel({ seed: 3, hiddenSize: 32, intermediateSize: 64, numHiddenLayers: 2 }, dir);
  model = await loadModel(dir);
});

afterAll(async () => {
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

// Two samples packed into one row as @medgpt/data's collatePacked lays them out: positions restart per
// sample, segment ids 1, 2 (0 = padding), and each sample's first label is -100 so no token is scored
// against the previous sample's tokens.
const samples = [
  [5, 17, 9, 30],
  [8, 2, 40, 11, 6],
];
const pad = 2;

function unpackedLoss(ids: number[], reduction: 'mean' | 'sum'): number {
  return tf.tidy(() => model.loss({ inputIds: int2d([ids]) }, int2d([ids]), { reduction }).dataSync()[0]!);
}

function packedLoss(reduction: 'mean' | 'sum'): number {
  return tf.tidy(() => packedLossTensor(reduction).dataSync()[0]!);
}

function packedLossTensor(reduction: 'mean' | 'sum'): tf.Scalar {
  return tf.tidy(() => {
    const row = [...samples.flat(), ...new Array<number>(pad).fill(0)];
    const segments = [...samples.flatMap((s, i) => s.map(() => i + 1)), ...new Array<number>(pad).fill(0)];
    const positions = [...samples.flatMap((s) => s.map((_, t) => t)), ...new Array<number>(pad).fill(0)];
    const labels = row.map((id, t) => (segments[t] === 0 || segments[t] !== segments[t - 1] ? -100 : id));
    const inputs = {
      inputIds: int2d([row]),
      attentionMask: int2d([segments.map((s) => (s === 0 ? 0 : 1))]),
      positionIds: int2d([positions]),
      segmentIds: int2d([segments]),
    };
    return model.loss(inputs, int2d([labels]), { reduction });
  });
}

// Gradient of `loss` for the q_proj weight of the last layer (a variable for the test's duration).
function qGrad(loss: () => tf.Scalar): Float32Array {
  const name = `model.layers.${model.config.numHiddenLayers - 1}.self_attn.q_proj.weight`;
  const original = model.weight(name);
  const v = tf.variable(original, true, `packing-probe-${Math.random()}`);
  model.setWeight(name, v, { disposeOld: false });
  try {
    return tf.tidy(() => {
      const { value, grads } = valueAndGrads(loss, [v]);
      value.dispose();
      return Object.values(grads)[0]!.dataSync() as Float32Array;
    });
  } finally {
    model.setWeight(name, original, { disposeOld: false });
    v.dispose();
  }
}

describe('CausalLM with packed rows (segmentIds)', () => {
  it.each([false, true])(
    'the loss of a packed row is the token-weighted mean of the samples alone (checkpointing %s)',
    (checkpointing) => {
      model.gradientCheckpointing = checkpointing;
      const scored = samples.map((s) => s.length - 1);
      const means = samples.map((s) => unpackedLoss(s, 'mean'));
      const weighted = means.reduce((a, m, i) => a + m * scored[i]!, 0) / (scored[0]! + scored[1]!);
      const packed = expectNoLeak(() => packedLoss('mean'));
      expect(packed).toBeCloseTo(weighted, 5);
      const sums = samples.map((s) => unpackedLoss(s, 'sum'));
      expect(packedLoss('sum')).toBeCloseTo(sums[0]! + sums[1]!, 4);
      model.gradientCheckpointing = false;
    },
  );

  it.each([false, true])('packed gradients are the sum of the samples alone (checkpointing %s)', (ckpt) => {
    const sumLoss = (ids: number[]) => () =>
      model.loss({ inputIds: int2d([ids]) }, int2d([ids]), { reduction: 'sum' });
    const alone = samples.map((s) => qGrad(sumLoss(s)));
    const want = alone[0]!.map((g, i) => g + alone[1]![i]!);
    model.gradientCheckpointing = ckpt;
    const packed = expectNoLeak(() => qGrad(() => packedLossTensor('sum')));
    model.gradientCheckpointing = false;
    expect(want.some((g) => g !== 0)).toBe(true);
    expect(closeness(packed, want, 1e-6, 1e-4)).toBeLessThanOrEqual(1);
  });

  it('without segment ids the second sample attends the first (the loss differs)', () => {
    const row = samples.flat();
    const positions = samples.flatMap((s) => s.map((_, t) => t));
    const segments = samples.flatMap((s, i) => s.map(() => i + 1));
    const labels = row.map((id, t) => (t === 0 || segments[t] !== segments[t - 1] ? -100 : id));
    const loss = (withSegments: boolean) =>
      tf.tidy(() => {
        const inputs = {
          inputIds: int2d([row]),
          positionIds: int2d([positions]),
          segmentIds: withSegments ? int2d([segments]) : undefined,
        };
        return model.loss(inputs, int2d([labels])).dataSync()[0]!;
      });
    expect(Math.abs(loss(true) - loss(false))).toBeGreaterThan(1e-4);
  });

  it('rejects segment ids of the wrong shape', () => {
    const inputs = { inputIds: int2d([[1, 2, 3]]), segmentIds: int2d([[1, 1]]) };
    expect(() => model.forward(inputs)).toThrow('segmentIds must be int32');
    tf.dispose([inputs.inputIds, inputs.segmentIds]);
  });
});

describe('CausalLM.embeddingHook', () => {
  const ids = [[4, 9, 21, 3, 7]];

  function lossWith(hook: CausalLM['embeddingHook']): number {
    model.embeddingHook = hook;
    try {
      return tf.tidy(() => model.loss({ inputIds: int2d(ids) }, int2d(ids)).dataSync()[0]!);
    } finally {
      model.embeddingHook = null;
    }
  }

  it('gets the token ids and their embeddings right after the lookup; identity changes nothing', () => {
    const plain = lossWith(null);
    const seen: number[][] = [];
    const identity = expectNoLeak(() =>
      lossWith((tokenIds, embeddings) => {
        seen.push(Array.from(tokenIds.dataSync()));
        expect(embeddings.shape).toEqual([5, model.config.hiddenSize]);
        const table = model.weight('model.embed_tokens.weight') as tf.Tensor2D;
        const want = tf.gather(table, tokenIds);
        expect(tf.max(tf.abs(tf.sub(want, embeddings))).dataSync()[0]).toBe(0);
        want.dispose();
        return embeddings;
      }),
    );
    expect(seen).toEqual(ids);
    expect(identity).toBe(plain);
  });

  it('what the hook returns is what the layers read', () => {
    const plain = lossWith(null);
    expect(Math.abs(lossWith((_ids, e) => tf.mul(e, 1.5)) - plain)).toBeGreaterThan(1e-4);
    expect(model.embeddingHook).toBeNull();
  });
});
