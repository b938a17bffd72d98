import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeness,
  expectNoLeak,
  SafetensorsFile,
  setLogitsChunkElements,
  tf,
  valueAndGrads,
} from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config/model-config.js';
import { loadModel } from '../io/load-model.js';
import { saveModel } from '../io/save-model.js';
import { fixtureDir } from '../test-fixtures.js';
import { createTinyModel, type TinyModelOptions } from '../tiny/create-tiny-model.js';
import type { CausalLM } from './causal-lm.js';
import { embeddingScale } from './embedding-scale.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'medgpt-families-'));
});
afterAll(async () => {
  setLogitsChunkElements('cpu', null);
  await rm(dir, { recursive: true, force: true });
});

// Wide weights so that soft-capping bends; a window of 4 on the sliding layers of 10-token rows.
const TINY: Record<string, TinyModelOptions> = {
  gemma2: {
    architecture: 'gemma2',
    slidingWindow: 4,
    config: { attnLogitSoftcapping: 1, finalLogitSoftcapping: 2 },
  },
  gemma3: { architecture: 'gemma3_text', slidingWindow: 4 },
  'baichuan-rope': { architecture: 'baichuan' },
  'baichuan2-alibi': { architecture: 'baichuan', config: { positionEncoding: 'alibi', normHead: true } },
};

const ids = [
  [5, 17, 99, 3, 250, 42, 7, 7, 61, 200],
  [12, 0, 45, 45, 128, 9, 33, 81, 2, 140],
];
const mask = [
  [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  [0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
];
const labels = ids.map((row, b) => row.map((t, i) => (mask[b]![i] ? t : -100)));
const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
const inputs = () => ({ inputIds: int2d(ids), attentionMask: int2d(mask) });

async function tiny(name: string): Promise<CausalLM> {
  await createTinyModel(
    { seed: 2, initializerRange: 0.3, hiddenSize: 32, numHiddenLayers: 3, ...TINY[name] },
    join(dir, name),
  );
  return loadModel(join(dir, name));
}

// Full fine-tuning gradients of the loss, with or without activation checkpointing.
function gradsOf(model: CausalLM, vars: tf.Variable[], checkpointing: boolean): Float32Array[] {
  model.gradientCheckpointing = checkpointing;
  return expectNoLeak(() => {
    const { value, grads } = valueAndGrads(() => model.loss(inputs(), int2d(labels)), vars);
    const out = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  });
}

describe.each(Object.keys(TINY))('%s', (name) => {
  it('loss (chunked head) equals the loss of the materialised logits; log-probs at a temperature and mean logits too', async () => {
    const model = await tiny(name);
    setLogitsChunkElements('cpu', 3 * model.config.vocabSize); // 3 rows per chunk
    try {
      expectNoLeak(() =>
        tf.tidy(() => {
          const loss = model.loss(inputs(), int2d(labels)).dataSync()[0]!;
          const reference = model.lossFromLogits(inputs(), int2d(labels)).dataSync()[0]!;
          expect(Math.abs(loss - reference)).toBeLessThan(1e-5);
          const logps = model.tokenLogprobs(inputs(), int2d(labels), { temperature: 0.7 }).dataSync();
          const byLogits = tf.logSoftmax(tf.div(model.forward(inputs()), 0.7)).arraySync() as number[][];
          const means = model.headMeanLogits(model.hiddenStates(inputs())).dataSync();
          const byForward = tf.mean(model.forward(inputs()), 1).dataSync();
          expect(closeness(means, byForward, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
          const flat = labels.flat();
          for (let n = 0; n < flat.length; n++) {
            const next = n % 10 === 9 ? -100 : flat[n + 1]!;
            expect(logps[n]!).toBeCloseTo(next === -100 ? 0 : byLogits[n]![next]!, 5);
          }
        }),
      );
    } finally {
      setLogitsChunkElements('cpu', null);
    }
    model.dispose();
  });

  it('gradient checkpointing gives the same gradients (composed attention and head included)', async () => {
    const model = await tiny(name);
    const vars = [...model.weights.keys()].map((n) => {
      const v = tf.variable(model.weight(n), true, `${name}/${n}`);
      model.setWeight(n, v);
      return v;
    });
    const plain = gradsOf(model, vars, false);
    const again = gradsOf(model, vars, true);
    plain.forEach((g, i) => {
      expect(
        g.some((x) => x !== 0),
        vars[i]!.name,
      ).toBe(true);
      expect(closeness(again[i]!, g, 1e-7, 1e-5), vars[i]!.name).toBeLessThanOrEqual(1);
    });
    model.dispose();
  });
});

describe('heads', () => {
  it("Gemma 2's soft-capped head has no linear weight to hand out; logits stay within the cap", async () => {
    const model = await tiny('gemma2');
    expect(() => model.lmHeadWeight).toThrow(/soft-capped.*headTokenLogprobs/);
    const logits = tf.tidy(() => model.forward(inputs()).dataSync());
    expect(Math.max(...Array.from(logits, Math.abs))).toBeLessThan(2);
    model.dispose();
  });

  it("Baichuan 2's NormHead: the head's rows are unit vectors; the stored weight is not", async () => {
    const model = await tiny('baichuan2-alibi');
    const norms = (w: tf.Tensor) => tf.tidy(() => tf.sqrt(tf.sum(tf.square(w), 1)).dataSync());
    expect(Array.from(tf.tidy(() => norms(model.lmHeadWeight))).every((n) => Math.abs(n - 1) < 1e-5)).toBe(
      true,
    );
    expect(Array.from(norms(model.weight('lm_head.weight'))).some((n) => Math.abs(n - 1) > 0.1)).toBe(true);
    model.dispose();
  });

  it("Gemma's embedding scale is sqrt(hidden) rounded to the weight dtype, as transformers rounds it", () => {
    const config = (dtype: ModelConfig['dtype']) => ({ hiddenSize: 3072, dtype }) as ModelConfig;
    expect(embeddingScale(config('bfloat16'))).toBe(55.5);
    expect(embeddingScale(config('float16'))).toBe(55.4375);
    expect(embeddingScale(config('float32'))).toBe(Math.fround(Math.sqrt(3072)));
  });

  it("a tiny Gemma's norm weights start at 0 (it scales by 1 + w)", async () => {
    const model = await tiny('gemma3');
    expect(Array.from(model.weight('model.layers.0.pre_feedforward_layernorm.weight').dataSync())).toEqual(
      new Array<number>(32).fill(0),
    );
    model.dispose();
  });
});

describe('saving Baichuan', () => {
  it.each(['baichuan-7b-rope', 'baichuan2-13b-alibi'])(
    '%s: the same tensor names and config.json as the checkpoint it was loaded from',
    async (name) => {
      const model = await loadModel(fixtureDir(name));
      const out = join(dir, `saved-${name}`);
      await saveModel(model, out);
      model.dispose();
      const names = async (d: string) => {
        const f = await SafetensorsFile.open(join(d, 'model.safetensors'));
        const list = [...f.names].sort();
        await f.close();
        return list;
      };
      const saved = await names(out);
      expect(saved).toEqual(await names(fixtureDir(name)));
      expect(saved.filter((n) => n.includes('W_pack'))).toHaveLength(2);
      const reloaded = await loadModel(out);
      expect(reloaded.rawConfig).toMatchObject({ auto_map: expect.any(Object), model_type: 'baichuan' });
      reloaded.dispose();
    },
  );
});
