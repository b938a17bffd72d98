import { tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from './generation/generate.js';
import { loadModel } from './io/load-model.js';
import { FIXTURE_NAMES, fixtureDir, maxAbsDiffAtRealTokens, readExpected } from './test-fixtures.js';

// transformers runs qwen2-bf16 in bfloat16 (activations and the logits themselves rounded to 8
// significant bits), we in float32 from the same bf16 weights. Its logits stay below 4 in magnitude,
// where one bf16 step is 2^-6; the bound is 4 such steps. The float32 fixtures must agree to 1e-4.
const TOLERANCE: Record<string, number> = { 'qwen2-bf16': 4 * 2 ** -6 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Baichuan's modelling code is remote code, not in transformers: its fixtures come from our own torch
// forward of the published math (tools/fixtures/make_baichuan_fixtures.py).
const reference = (name: string) =>
  name.startsWith('baichuan') ? 'our torch reference of the remote code' : 'transformers 5.17 (eager, cpu)';

describe.each(FIXTURE_NAMES.map((name) => [name, reference(name)]))('%s matches %s', (name) => {
  const expected = readExpected(name);
  const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

  it('logits at every real token', async () => {
    const model = await loadModel(fixtureDir(name));
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() =>
      model
        .forward({
          inputIds: int2d(expected.input_ids),
          attentionMask: int2d(expected.attention_mask),
          positionIds: int2d(expected.position_ids),
        })
        .dataSync(),
    ) as Float32Array;
    expect(tf.memory().numTensors).toBe(before);
    const diff = maxAbsDiffAtRealTokens(logits, expected.logits, expected.attention_mask);
    console.log(`${name}: max |logit diff| at real tokens = ${diff.toExponential(3)}`);
    expect(diff).toBeLessThan(TOLERANCE[name] ?? 1e-4);
    model.dispose();
  });

  it('logits on wasm as well', async () => {
    await tf.setBackend('wasm');
    try {
      const model = await loadModel(fixtureDir(name));
      const logits = tf.tidy(() =>
        model
          .forward({ inputIds: int2d(expected.input_ids), attentionMask: int2d(expected.attention_mask) })
          .dataSync(),
      ) as Float32Array;
      const diff = maxAbsDiffAtRealTokens(logits, expected.logits, expected.attention_mask);
      console.log(`${name} (wasm): max |logit diff| at real tokens = ${diff.toExponential(3)}`);
      expect(diff).toBeLessThan(TOLERANCE[name] ?? 1e-4);
      model.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it("position ids from the mask equal transformers' (cumsum - 1, pads 1)", async () => {
    const model = await loadModel(fixtureDir(name));
    const implicit = tf.tidy(() =>
      model
        .forward({ inputIds: int2d(expected.input_ids), attentionMask: int2d(expected.attention_mask) })
        .dataSync(),
    ) as Float32Array;
    expect(maxAbsDiffAtRealTokens(implicit, expected.logits, expected.attention_mask)).toBeLessThan(
      TOLERANCE[name] ?? 1e-4,
    );
    model.dispose();
  });

  it('greedy continuations: single row and left-padded batch', async () => {
    const model = await loadModel(fixtureDir(name));
    const before = tf.memory().numTensors;
    const opts = { maxNewTokens: 8, doSample: false, eosTokenIds: [] };
    const single = await generate(model, [expected.input_ids[1]!], opts);
    expect(single.tokenIds[0]).toEqual(expected.greedy_single);
    const batched = await generate(
      model,
      { inputIds: expected.input_ids, attentionMask: expected.attention_mask },
      opts,
    );
    expect(batched.tokenIds).toEqual(expected.greedy_batched);
    expect(batched.finishReasons).toEqual(['length', 'length']);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
