import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { loadTokenizer, type Tokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import type { CausalLM } from '../model/causal-lm.js';
import { createTinyModel } from '../tiny/create-tiny-model.js';
import { generate } from './generate.js';
import { generateEvents } from './generate-events.js';
import { streamText } from './stream-text.js';

let root: string;
let model: CausalLM;
let tokenizer: Tokenizer;
const prompt = (text: string) => tokenizer.encode(text);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-gen-'));
  // A wide init gives peaked distributions, so greedy output is far from ties.
  await createTinyModel(
    { architecture: 'llama', seed: 21, initializerRange: 0.5, tieWordEmbeddings: false },
    root,
  );
  model = await loadModel(root);
  tokenizer = await loadTokenizer(root);
});
afterAll(async () => {
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('generate', () => {
  it('streams text deltas that add up to the decoded tokens', async () => {
    const opts = { maxNewTokens: 40, doSample: true, temperature: 1.5, seed: 3, eosTokenIds: [] };
    const { tokenIds, texts } = await generate(model, [prompt('病人')], { ...opts, tokenizer });
    let streamed = '';
    for await (const delta of streamText(model, tokenizer, '病人', opts)) {
      expect(delta.length).toBeGreaterThan(0);
      streamed += delta;
    }
    expect(streamed).toBe(tokenizer.decode(tokenIds[0]!, { skipSpecialTokens: true }));
    expect(texts[0]).toBe(streamed);
  });

  it('samples reproducibly from a seed', async () => {
    const run = (seed: number) =>
      generate(model, [prompt('a')], {
        maxNewTokens: 20,
        doSample: true,
        temperature: 2,
        seed,
        eosTokenIds: [],
      });
    const a = (await run(1)).tokenIds[0];
    expect((await run(1)).tokenIds[0]).toEqual(a);
    expect((await run(2)).tokenIds[0]).not.toEqual(a);
  });

  it('pads prompts of different lengths on the left without changing any row', async () => {
    const rows = [prompt('fever and cough'), prompt('hi'), prompt('头痛')];
    const opts = { maxNewTokens: 6, doSample: false, eosTokenIds: [] };
    const batched = await expectNoLeak(() => generate(model, rows, opts));
    for (const [i, row] of rows.entries())
      expect(batched.tokenIds[i]).toEqual((await generate(model, [row], opts)).tokenIds[0]);
  });

  it('stops at a stop token id (kept) and at a stop string (cut from the text)', async () => {
    const base = await generate(model, [prompt('x')], {
      maxNewTokens: 30,
      doSample: false,
      eosTokenIds: [],
      tokenizer,
    });
    const ids = base.tokenIds[0]!;
    const stopId = ids[4]!;
    const first = ids.indexOf(stopId);
    const byId = await generate(model, [prompt('x')], {
      maxNewTokens: 30,
      doSample: false,
      eosTokenIds: [stopId],
    });
    expect(byId.tokenIds[0]).toEqual(ids.slice(0, first + 1));
    expect(byId.finishReasons).toEqual(['stop']);

    const text = base.texts[0]!;
    const stop = text.slice(10, 13);
    const cut = text.indexOf(stop);
    const byText = await generate(model, [prompt('x')], {
      maxNewTokens: 30,
      doSample: false,
      eosTokenIds: [],
      stopStrings: [stop],
      tokenizer,
    });
    expect(byText.texts[0]).toBe(text.slice(0, cut));
    expect(byText.finishReasons).toEqual(['stop']);
    const n = byText.tokenIds[0]!.length;
    expect(byText.tokenIds[0]).toEqual(ids.slice(0, n));
    expect(tokenizer.decode(ids.slice(0, n), { skipSpecialTokens: true })).toContain(stop);
    expect(tokenizer.decode(ids.slice(0, n - 1), { skipSpecialTokens: true })).not.toContain(stop);
  });

  it('finishes rows independently; finished rows emit nothing more', async () => {
    const rows = [prompt('abc'), prompt('xyz')];
    const free = await generate(model, rows, { maxNewTokens: 8, doSample: false, eosTokenIds: [] });
    const stopId = free.tokenIds[0]![1]!;
    const stopped = await generate(model, rows, { maxNewTokens: 8, doSample: false, eosTokenIds: [stopId] });
    expect(stopped.tokenIds[0]).toEqual(free.tokenIds[0]!.slice(0, free.tokenIds[0]!.indexOf(stopId) + 1));
    const other = free.tokenIds[1]!;
    const end = other.indexOf(stopId);
    expect(stopped.tokenIds[1]).toEqual(end < 0 ? other : other.slice(0, end + 1));
  });

  it('frees the cache when the consumer stops early', async () => {
    await expectNoLeak(async () => {
      for await (const events of generateEvents(model, [prompt('q')], {
        maxNewTokens: 50,
        eosTokenIds: [],
      })) {
        expect(events).toHaveLength(1);
        break;
      }
    });
  });

  it('takes its defaults from generation_config.json', async () => {
    const saved = model.generationConfig;
    try {
      model.generationConfig = { ...saved, maxNewTokens: 3, eosTokenIds: [] };
      expect((await generate(model, [prompt('a')])).tokenIds[0]).toHaveLength(3);
      model.generationConfig = { ...saved, maxNewTokens: null, maxLength: 6, eosTokenIds: [] };
      expect((await generate(model, [prompt('abcd')])).tokenIds[0]).toHaveLength(2);
      model.generationConfig = { ...saved, unsupported: ['num_beams'] };
      await expect(generate(model, [prompt('a')])).rejects.toThrow(/generation_config.json sets num_beams/);
    } finally {
      model.generationConfig = saved;
    }
  });

  it('validates its options', async () => {
    await expect(generate(model, [prompt('a')], { topP: 0 })).rejects.toThrow(/topP must be in \(0, 1\]/);
    await expect(generate(model, [prompt('a')], { stopStrings: ['x'] })).rejects.toThrow(
      /stop strings need a tokenizer/,
    );
    await expect(generate(model, [[]])).rejects.toThrow(/at least one token/);
  });
});
