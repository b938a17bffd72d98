import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import { fixtureDir, maxAbsDiffAtRealTokens, readExpected, type Expected } from '../test-fixtures.js';
import { CausalLM } from './causal-lm.js';
import { KvCache } from './kv-cache.js';
import { hostPositionIds } from './position-ids.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

// Labels as an SFT batch would have them: the tokens themselves, -100 where the predicting position
// is padding (transformers' logits there are not comparable, see golden.test.ts).
function labelsOf(e: Expected): number[][] {
  return e.input_ids.map((row, b) => row.map((id, t) => (t > 0 && e.attention_mask[b]![t - 1] ? id : -100)));
}

// Mean cross-entropy of transformers' logits with the shifted labels, in float64: the oracle.
function oracleLoss(e: Expected, labels: number[][]): { mean: number; count: number } {
  let sum = 0;
  let count = 0;
  e.logits.forEach((seq, b) =>
    seq.slice(0, -1).forEach((logits, t) => {
      const label = labels[b]![t + 1]!;
      if (label === -100) return;
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((a, x) => a + Math.exp(x - max), 0));
      sum += lse - logits[label]!;
      count++;
    }),
  );
  return { mean: sum / count, count };
}

describe('CausalLM', () => {
  it.each(['mistral', 'qwen3', 'llama3-rope'])(
    '%s: KV-cache steps reproduce the full forward (left padding, windows)',
    async (name) => {
      const e = readExpected(name);
      const model = await loadModel(fixtureDir(name));
      const full = tf.tidy(() =>
        model.forward({ inputIds: int2d(e.input_ids), attentionMask: int2d(e.attention_mask) }).arraySync(),
      );
      await expectNoLeak(async () => {
        const [batch, t] = [e.input_ids.length, e.input_ids[0]!.length];
        const cache = new KvCache(model.config, batch, t + 3);
        const positions = e.attention_mask.map((m) => Array.from(hostPositionIds(m)));
        const cut = 5; // prefill 5 tokens, then one token per step
        const cols = (rows: number[][], from: number, to: number) => rows.map((r) => r.slice(from, to));
        const check = (logits: tf.Tensor2D, col: number) => {
          const got = logits.arraySync();
          logits.dispose();
          for (let b = 0; b < batch; b++) {
            const want = full[b * t + col]!;
            expect(Math.max(...got[b]!.map((x, j) => Math.abs(x - want[j]!)))).toBeLessThan(1e-5);
          }
        };
        check(
          model.step(
            cache,
            cols(e.input_ids, 0, cut),
            cols(e.attention_mask, 0, cut),
            cols(positions, 0, cut),
          ),
          cut - 1,
        );
        for (let col = cut; col < t; col++) {
          check(
            model.step(
              cache,
              cols(e.input_ids, col, col + 1),
              cols(e.attention_mask, col, col + 1),
              cols(positions, col, col + 1),
            ),
            col,
          );
        }
        expect(cache.length).toBe(t);
        cache.dispose();
      });
      model.dispose();
    },
  );

  it("loss is transformers' shifted cross-entropy (fused, no [N, V] logits), with mean and sum", async () => {
    const e = readExpected('qwen2');
    const model = await loadModel(fixtureDir('qwen2'));
    const labels = labelsOf(e);
    const oracle = oracleLoss(e, labels);
    const inputs = () => ({ inputIds: int2d(e.input_ids), attentionMask: int2d(e.attention_mask) });
    const [fused, fromLogits, summed] = expectNoLeak(() =>
      tf.tidy(() => [
        model.loss(inputs(), int2d(labels)).dataSync()[0]!,
        model.lossFromLogits(inputs(), int2d(labels)).dataSync()[0]!,
        model.loss(inputs(), int2d(labels), { reduction: 'sum' }).dataSync()[0]!,
      ]),
    );
    expect(Math.abs(fused - oracle.mean)).toBeLessThan(1e-5);
    expect(Math.abs(fromLogits - oracle.mean)).toBeLessThan(1e-5);
    expect(Math.abs(summed - oracle.mean * oracle.count)).toBeLessThan(1e-4);
    const logprobs = Array.from(tf.tidy(() => model.tokenLogprobs(inputs(), int2d(labels)).dataSync()));
    expect(Math.abs(-logprobs.reduce((a, b) => a + b, 0) - oracle.mean * oracle.count)).toBeLessThan(1e-4);
    // With a temperature: log softmax(logits / τ) at the label, from the materialised logits.
    const tau = 0.7;
    const scaled = tf.tidy(() =>
      model.tokenLogprobs(inputs(), int2d(labels), { temperature: tau }).dataSync(),
    );
    const direct = tf.tidy(() => {
      const logits = tf.div(model.forward(inputs()), tau);
      const shifted = labels.flatMap((row) => [...row.slice(1), -100]);
      const lsm = tf.logSoftmax(logits).arraySync() as number[][];
      return shifted.map((l, i) => (l === -100 ? 0 : lsm[i]![l]!));
    });
    const err = direct.reduce((m, v, i) => Math.max(m, Math.abs(v - scaled[i]!)), 0);
    expect(err).toBeLessThan(1e-5);
    expect(direct.some((v, i) => Math.abs(v - logprobs[i]!) > 1e-3)).toBe(true);
    expect(() => model.tokenLogprobs(inputs(), int2d(labels), { temperature: 0 })).toThrow(/temperature/);
    model.dispose();
  });

  it('is differentiable in every parameter; fused and materialised losses give the same gradients', async () => {
    const e = readExpected('qwen3');
    const model = await loadModel(fixtureDir('qwen3'));
    const labels = labelsOf(e);
    const names = [...model.weights.keys()];
    const variables = names.map((n) => tf.variable(model.weight(n), true, `qwen3/${n}`));
    names.forEach((n, i) => model.setWeight(n, variables[i]!, { disposeOld: false }));
    const gradsOf = (fused: boolean) =>
      expectNoLeak(() => {
        const { value, grads } = tf.variableGrads(() =>
          tf.tidy(() => {
            const inputs = { inputIds: int2d(e.input_ids), attentionMask: int2d(e.attention_mask) };
            return fused ? model.loss(inputs, int2d(labels)) : model.lossFromLogits(inputs, int2d(labels));
          }),
        );
        value.dispose();
        const out = variables.map((v) => grads[v.name]!.dataSync() as Float32Array);
        tf.dispose(Object.values(grads));
        return out;
      });
    const fused = gradsOf(true);
    const plain = gradsOf(false);
    names.forEach((name, i) => {
      const g = fused[i]!;
      expect(g.every(Number.isFinite), name).toBe(true);
      expect(
        g.some((x) => x !== 0),
        `${name} got no gradient`,
      ).toBe(true);
      const scale = Math.max(...plain[i]!.map(Math.abs));
      expect(Math.max(...g.map((x, j) => Math.abs(x - plain[i]![j]!))), name).toBeLessThan(
        1e-4 * Math.max(1, scale),
      );
    });
    model.dispose();
  });

  it('routes every linear module through the hook under its HF name', async () => {
    const model = await loadModel(fixtureDir('qwen2'));
    const seen: string[] = [];
    model.linearHook = (module, x, w, b) => {
      seen.push(module);
      const y: tf.Tensor2D = tf.matMul(x, w as tf.Tensor2D, false, true);
      return b ? tf.add(y, b) : y;
    };
    const e = readExpected('qwen2');
    const hooked = tf.tidy(() =>
      model.forward({ inputIds: int2d(e.input_ids), attentionMask: int2d(e.attention_mask) }).dataSync(),
    );
    model.linearHook = null;
    const plain = tf.tidy(() =>
      model.forward({ inputIds: int2d(e.input_ids), attentionMask: int2d(e.attention_mask) }).dataSync(),
    );
    expect(Array.from(hooked)).toEqual(Array.from(plain));
    const perLayer = [
      'self_attn.q_proj',
      'self_attn.k_proj',
      'self_attn.v_proj',
      'self_attn.o_proj',
      'mlp.gate_proj',
      'mlp.up_proj',
      'mlp.down_proj',
    ];
    expect(seen).toEqual([0, 1].flatMap((l) => perLayer.map((m) => `model.layers.${l}.${m}`)));
    model.dispose();
  });

  it('dynamic RoPE changes nothing within max_position_embeddings and rescales beyond it', async () => {
    const e = readExpected('llama');
    const base = await loadModel(fixtureDir('llama'));
    const logitsWith = (maxPositionEmbeddings: number) => {
      const config = {
        ...base.config,
        maxPositionEmbeddings,
        ropeScaling: { rope_type: 'dynamic', factor: 2 },
      };
      const model = new CausalLM({ config, weights: base.weights });
      return tf.tidy(
        () =>
          model
            .forward({ inputIds: int2d(e.input_ids), attentionMask: int2d(e.attention_mask) })
            .dataSync() as Float32Array,
      );
    };
    expect(maxAbsDiffAtRealTokens(logitsWith(64), e.logits, e.attention_mask)).toBeLessThan(1e-4);
    expect(maxAbsDiffAtRealTokens(logitsWith(4), e.logits, e.attention_mask)).toBeGreaterThan(1e-3);
    base.dispose();
  });

  it('checks its inputs and parameters', async () => {
    const model = await loadModel(fixtureDir('llama'));
    const ids = tf.tensor2d([[1, 2]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 1]], undefined, 'int32');
    expect(() => model.forward({ inputIds: tf.tensor2d([[1, 2]]) })).toThrow(
      /inputIds must be int32 \[batch, T\]/,
    );
    expect(() => model.forward({ inputIds: ids, attentionMask: mask })).toThrow(
      /attentionMask must be int32 \[1,2\]/,
    );
    expect(() => model.setWeight('model.norm.weight', tf.zeros([3]))).toThrow(/expected float32 \[16\]/);
    expect(() => model.weight('model.layers.9.mlp.up_proj.weight')).toThrow(
      /has no parameter 'model.layers.9.mlp.up_proj.weight'/,
    );
    tf.dispose([ids, mask]);
    model.dispose();
  });
});
