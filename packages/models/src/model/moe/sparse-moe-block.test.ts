import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeness, expectNoLeak, tf } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../io/load-model.js';
import { generate } from '../../generation/generate.js';
import { fixtureDir, readExpected } from '../../test-fixtures.js';
import { createTinyModel } from '../../tiny/create-tiny-model.js';
import { linear, type LinearWeight } from '../linear.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'medgpt-moe-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe('sparse MoE block', () => {
  it.each(['mixtral', 'qwen3-moe'])(
    '%s: each expert sees only its tokens: tokens * k rows per sparse layer, none dense',
    async (name) => {
      const model = await loadModel(fixtureDir(name));
      const e = readExpected(name);
      const rows = new Map<string, number>();
      model.linearHook = (module, x, w, b) => {
        rows.set(module, (rows.get(module) ?? 0) + x.shape[0]);
        return linear(x, w, b);
      };
      expectNoLeak(() => tf.tidy(() => void model.forward({ inputIds: int2d(e.input_ids) })));
      const tokens = e.input_ids.length * e.input_ids[0]!.length;
      const k = model.config.moe!.numExpertsPerTok;
      model.config.moe!.sparseLayers.forEach((sparse, layer) => {
        const experts = [...rows].filter(
          ([m]) => m.startsWith(`model.layers.${layer}.`) && /experts\.\d+\./.test(m),
        );
        const byProjection = (p: RegExp) => experts.filter(([m]) => p.test(m)).reduce((a, [, n]) => a + n, 0);
        if (!sparse) {
          expect(experts).toEqual([]);
          expect(rows.get(`model.layers.${layer}.mlp.gate_proj`)).toBe(tokens);
          return;
        }
        for (const p of [/(w1|gate_proj)$/, /(w3|up_proj)$/, /(w2|down_proj)$/])
          expect(byProjection(p)).toBe(tokens * k);
        expect(
          [...rows.keys()].filter((m) =>
            m.endsWith(`layers.${layer}.${name === 'mixtral' ? 'block_sparse_moe' : 'mlp'}.gate`),
          ),
        ).toHaveLength(1);
      });
      model.dispose();
    },
  );

  it.each(['mixtral', 'qwen3-moe'])(
    '%s: without adapters on the experts, one grouped matmul per projection gives the per-expert loop’s logits',
    async (name) => {
      const model = await loadModel(fixtureDir(name));
      const e = readExpected(name);
      const logits = () => tf.tidy(() => model.forward({ inputIds: int2d(e.input_ids) }).dataSync());
      const seen = new Set<string>();
      const plain = Object.assign(
        (module: string, x: tf.Tensor2D, w: LinearWeight, b: tf.Tensor1D | undefined) => {
          seen.add(module);
          return linear(x, w, b);
        },
        { adapts: () => false },
      );
      model.linearHook = plain;
      const grouped = logits();
      expect([...seen].filter((m) => /experts\.\d+\./.test(m))).toEqual([]);
      // Called again: the stacked expert weights are kept, nothing else stays alive.
      expectNoLeak(() => void logits());
      model.linearHook = (module, x, w, b) => linear(x, w, b); // no `adapts`: every expert runs alone
      expect(closeness(grouped, logits(), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      model.dispose();
    },
  );

  it.each(['mixtral', 'qwen3_moe'])(
    'createTinyModel(%s): 4 experts, top-2; greedy decoding with the KV cache agrees with full forwards',
    async (architecture) => {
      const tiny = await createTinyModel(
        { architecture, seed: 3, initializerRange: 0.2 },
        join(dir, architecture),
      );
      expect(tiny.config.moe).toMatchObject({ numExperts: 4, numExpertsPerTok: 2 });
      const model = await loadModel(tiny.dir);
      const prompt = [5, 72, 101, 108];
      const out = await generate(model, [prompt], { maxNewTokens: 4, doSample: false, eosTokenIds: [] });
      const seq = [...prompt, ...out.tokenIds[0]!];
      const v = model.config.vocabSize;
      const logits = tf.tidy(() => model.forward({ inputIds: int2d([seq]) }).dataSync());
      const argmax = (row: number) => {
        const r = Array.from(logits.subarray(row * v, (row + 1) * v));
        return r.indexOf(Math.max(...r));
      };
      expect(out.tokenIds[0]).toEqual([3, 4, 5, 6].map(argmax));
      model.dispose();
    },
  );
});
