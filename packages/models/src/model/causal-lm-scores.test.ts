import { closeness, expectNoLeak, tf, valueAndGrads } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../generation/generate.js';
import { loadModel } from '../io/load-model.js';
import { fixtureDir } from '../test-fixtures.js';
import { SCORE } from '../weights/parameter-specs.js';
import type { CausalLM, CausalLMInputs } from './causal-lm.js';
import { KvCache } from './kv-cache.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
const PAD = 0; // pad_token_id of the fixtures' config.json
// One right-padded, one left-padded and one full row; the pooled positions are 3, 5 and 5.
const ids = [
  [11, 12, 13, 14, PAD, PAD],
  [PAD, PAD, 21, 22, 23, 24],
  [31, 32, 33, 34, 35, 36],
];
const mask = ids.map((row) => row.map((id) => (id === PAD ? 0 : 1)));
const POOLED = [3, 5, 5];
const batch = (): CausalLMInputs => ({ inputIds: int2d(ids), attentionMask: int2d(mask) });

const classifier = (name = 'llama', numLabels = 2) =>
  loadModel(fixtureDir(name), { numLabels, scoreSeed: 7 });

// Scores from hiddenStates() and score.weight in float64 on the host: the oracle.
function handScores(model: CausalLM): number[][] {
  const t = ids[0]!.length;
  const hidden = tf.tidy(() => model.hiddenStates(batch()).arraySync());
  const w = model.scoreWeight.arraySync();
  return POOLED.map((pos, b) => w.map((row) => row.reduce((a, x, j) => a + x * hidden[b * t + pos]![j]!, 0)));
}

describe('CausalLM.scores', () => {
  it.each(['llama', 'qwen2'])(
    '%s: the score head at each row’s last non-pad token, without leaks',
    async (name) => {
      const model = await classifier(name);
      const want = handScores(model);
      const got = expectNoLeak(() => tf.tidy(() => model.scores(batch()).arraySync()));
      expect(got.length).toBe(3);
      for (let b = 0; b < 3; b++) for (let l = 0; l < 2; l++) expect(got[b]![l]).toBeCloseTo(want[b]![l]!, 5);
      model.dispose();
    },
  );

  it('gives a sequence the same score unpadded, right-padded and left-padded', async () => {
    const model = await classifier('qwen2', 1);
    const seq = [7, 8, 9, 10];
    const score = (rows: number[][]) =>
      tf.tidy(() =>
        model
          .scores({
            inputIds: int2d(rows),
            attentionMask: int2d(rows.map((r) => r.map((x) => (x === PAD ? 0 : 1)))),
          })
          .arraySync()
          .map((r) => r[0]!),
      );
    const [alone] = score([seq]);
    const [right, left] = score([
      [...seq, PAD, PAD],
      [PAD, PAD, ...seq],
    ]);
    expect(Math.abs(right! - alone!)).toBeLessThan(1e-5);
    expect(Math.abs(left! - alone!)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('pools by config.padTokenId, which setPadTokenId changes (pad == eos: a trailing eos is skipped)', async () => {
    const model = await classifier('qwen2', 1);
    const eos = model.config.eosTokenIds[0]!;
    const rows = [[5, 6, eos, eos]];
    const at = (pos: number) =>
      tf.tidy(() => {
        const h = model.hiddenStates({ inputIds: int2d(rows) }).arraySync()[pos]!;
        return model.scoreWeight.arraySync()[0]!.reduce((a, x, j) => a + x * h[j]!, 0);
      });
    const scoreOf = () => tf.tidy(() => model.scores({ inputIds: int2d(rows) }).arraySync()[0]![0]!);
    expect(scoreOf()).toBeCloseTo(at(3), 5); // pad 0: the last eos is a real token
    model.setPadTokenId(eos);
    expect(model.config.padTokenId).toBe(eos);
    expect(model.rawConfig.pad_token_id).toBe(eos);
    expect(scoreOf()).toBeCloseTo(at(1), 5); // pad == eos: the token before the eos run
    model.setPadTokenId(null);
    expect(scoreOf()).toBeCloseTo(at(3), 5); // no pad id: the last position, one row only
    expect(() => model.scores(batch())).toThrow(/no pad token id, so a batch of 3 rows/);
    expect(() => model.setPadTokenId(-1)).toThrow(/setPadTokenId: -1 is not a token id/);
    model.dispose();
  });

  it('passes gradients to score.weight (exactly the pooled hidden states) and to the body', async () => {
    const model = await classifier('llama', 2);
    const names = [SCORE, 'model.layers.0.mlp.up_proj.weight', 'model.embed_tokens.weight'];
    const vars = names.map((n) => {
      const v = tf.variable(model.weight(n), true, `scores-grad/${n}`);
      model.setWeight(n, v);
      return v;
    });
    const coef = [
      [1, -2],
      [0.5, 3],
      [-1, 1],
    ];
    const objective = () =>
      tf.tidy(() => tf.sum(tf.mul(model.scores(batch()), tf.tensor2d(coef))) as tf.Scalar);
    const gradsOf = (checkpointing: boolean) => {
      model.gradientCheckpointing = checkpointing;
      return expectNoLeak(() => {
        const { value, grads } = valueAndGrads(objective, vars);
        const out = Object.fromEntries(
          names.map((n) => [n, grads[`scores-grad/${n}`]!.dataSync() as Float32Array]),
        );
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      });
    };
    const grads = gradsOf(false);
    // d/dW[l] of sum_b coef[b][l] * (h_b . W[l]) = sum_b coef[b][l] * h_b.
    const t = ids[0]!.length;
    const hidden = tf.tidy(() => model.hiddenStates(batch()).arraySync());
    const want = coef[0]!.map((_, l) =>
      hidden[0]!.map((_, j) => POOLED.reduce((a, pos, b) => a + coef[b]![l]! * hidden[b * t + pos]![j]!, 0)),
    );
    expect(closeness(grads[SCORE]!, Float32Array.from(want.flat()), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    for (const n of names.slice(1))
      expect(
        grads[n]!.some((g) => g !== 0),
        n,
      ).toBe(true);
    // The same gradients through tfjs's own tape, and with activation checkpointing.
    const tape = tf.variableGrads(objective, vars);
    for (const n of names)
      expect(
        closeness(tape.grads[`scores-grad/${n}`]!.dataSync(), grads[n]!, 1e-6, 1e-5),
        n,
      ).toBeLessThanOrEqual(1);
    tf.dispose([tape.value, ...Object.values(tape.grads)]);
    const checkpointed = gradsOf(true);
    for (const n of names)
      expect(closeness(checkpointed[n]!, grads[n]!, 1e-6, 1e-5), n).toBeLessThanOrEqual(1);
    model.dispose();
  });

  it('refuses the token-logit methods on a classifier and scores() on a causal LM', async () => {
    const model = await classifier('llama', 1);
    const before = tf.memory().numTensors;
    const labels = int2d(ids);
    const inputs = batch();
    for (const call of [
      () => model.forward(inputs),
      () => model.loss(inputs, labels),
      () => model.lossFromLogits(inputs, labels),
      () => model.tokenLogprobs(inputs, labels),
      () => model.lmHeadWeight,
    ])
      expect(call).toThrow(/LlamaForSequenceClassification has a score head .* use scores\(\)/);
    const cache = new KvCache(model.config, 1, 4);
    expect(() => model.step(cache, [[1]], [[1]], [[0]])).toThrow(/step: .*no LM head/);
    expect(cache.length).toBe(0);
    cache.dispose();
    await expect(generate(model, [[1, 2]], { maxNewTokens: 2 })).rejects.toThrow(/generate: .*no LM head/);
    const segmentIds = int2d(mask);
    expect(() => model.scores({ ...inputs, segmentIds })).toThrow(/packed rows/);
    tf.dispose([labels, segmentIds, inputs.inputIds, inputs.attentionMask!]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();

    const lm = await loadModel(fixtureDir('llama'));
    expect(() => lm.scoreWeight).toThrow(/LlamaForCausalLM has no score head; .*numLabels: 1/);
    expect(() => lm.scores(batch())).toThrow(/no score head/);
    lm.dispose();
  });
});
