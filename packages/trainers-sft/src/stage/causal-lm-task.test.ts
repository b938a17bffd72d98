import { expectNoLeak, Generator } from '@medgpt/core-tensor';
import { packSequences, type LabeledSequence } from '@medgpt/data';
import { loadModel, type CausalLM } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinySetup } from '../test-support/tiny-setup.js';
import { CausalLmTask, type CausalLmTaskOptions } from './causal-lm-task.js';
import type { TrainableWeights } from '@medgpt/trainer';

let model: CausalLM;

beforeAll(async () => {
  model = await loadModel((await tinySetup(4)).base);
});

afterAll(() => model.dispose());

// The loss only needs setTraining from the weights (nothing is trained here).
const weights = { parameters: [], setTraining: () => undefined } as unknown as TrainableWeights;

function task(options: Partial<CausalLmTaskOptions> = {}): CausalLmTask {
  return new CausalLmTask({ model, weights, padTokenId: 0, ...options });
}

function lossOf(
  t: CausalLmTask,
  rows: LabeledSequence[],
  reduction: 'mean' | 'sum',
  training = false,
  seed = 0,
) {
  return expectNoLeak(() => {
    const loss = t.loss(t.collate(rows), reduction, { training, generator: new Generator(seed) });
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  });
}

// SFT-like samples: prompt tokens labelled -100, the answer scored.
const sample = (ids: number[], prompt: number): LabeledSequence => ({
  inputIds: Int32Array.from(ids),
  labels: Int32Array.from(ids, (id, t) => (t < prompt ? -100 : id)),
});
const samples = [
  sample([11, 40, 7, 93, 5, 61], 2),
  sample([3, 8, 120, 44], 1),
  sample([70, 71, 2, 9, 15, 33, 18], 3),
];

describe('CausalLmTask', () => {
  it('the loss of a packed batch is the token-weighted mean of the samples alone', () => {
    const plain = task();
    const alone = samples.map((s) => ({
      mean: lossOf(plain, [s], 'mean'),
      items: plain.lossItems(plain.collate([s])),
    }));
    const items = alone.reduce((a, s) => a + s.items, 0);
    const weighted = alone.reduce((a, s) => a + s.mean * s.items, 0) / items;
    const packedTask = task({ packed: true });
    const packed = packSequences(samples, { maxLength: 12 });
    expect(packed.length).toBeLessThan(samples.length); // at least two samples share a row
    expect(packedTask.lossItems(packedTask.collate(packed))).toBe(items);
    expect(lossOf(packedTask, packed, 'mean')).toBeCloseTo(weighted, 5);
  });

  it('NEFTune: noise only in training steps, none at alpha 0, the same noise for the same generator', () => {
    const rows = samples.slice(0, 2);
    const plain = lossOf(task(), rows, 'mean');
    const neft = task({ neftune: { alpha: 5, scale: 'paper' } });
    expect(lossOf(neft, rows, 'mean', false)).toBe(plain);
    expect(lossOf(task({ neftune: { alpha: 0, scale: 'paper' } }), rows, 'mean', true)).toBe(plain);
    const noisy = lossOf(neft, rows, 'mean', true, 7);
    expect(noisy).not.toBe(plain);
    expect(lossOf(neft, rows, 'mean', true, 7)).toBe(noisy);
    expect(lossOf(neft, rows, 'mean', true, 8)).not.toBe(noisy);
    expect(model.embeddingHook).toBeNull(); // taken off after the step: eval and generation are clean
  });
});
