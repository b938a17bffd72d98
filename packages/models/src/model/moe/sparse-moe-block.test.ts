import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../io/load-model.js';
import { generate } from '../../generation/generate.js';
import { fixtureDir, readExpected } from '../../test-fixtures.js';
import { createTinyModel } from '../../tiny/create-tiny-model.js';
import { linear } from '../linear.js';
import { groupByExpert } from './group-by-expert.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'medgpt-moe-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe('groupByExpert', () => {
  it('sorts the slots by expert (counting sort, token order within), with the inverse permutation', () => {
    // 3 tokens, top-2: token 0 -> experts 2, 0; token 1 -> 0, 1; token 2 -> 2, 1.
    const g = groupByExpert(Int32Array.from([2, 0, 0, 1, 2, 1]), 4, 2);
    expect(Array.from(g.counts)).toEqual([2, 2, 2, 0]);
    expect(Array.from(g.tokenOfPosition)).toEqual([0, 1, 1, 2, 0, 2]);
    expect(Array.from(g.positionOfSlot)).toEqual([4, 0, 1, 2, 5, 3]);
  });
});

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
