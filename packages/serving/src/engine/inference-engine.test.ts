import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate, loadModel, type CausalLM } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import type { Tokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServingError } from '../serving-error.js';
import { createForcedReplyModel } from '../testing/create-forced-reply-model.js';
import type { GenerationChunk } from './generation-request.js';
import type { GenerationStream } from './generation-stream.js';
import { InferenceEngine } from './inference-engine.js';

let root: string;
let model: CausalLM;
let tokenizer: Tokenizer;
const PROMPTS = ['Fever and cough?', 'Hi', 'What helps a headache, doctor?'];
let prompts: number[][];

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-engine-'));
  // Wide weights: varied greedy text, so equal outputs mean equal computations.
  const made = await createTinyModel({ seed: 3, initializerRange: 0.5 }, join(root, 'tiny'));
  tokenizer = made.tokenizer;
  model = await loadModel(made.dir);
  prompts = PROMPTS.map((p) => tokenizer.encode(p));
});
afterAll(async () => {
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

const GREEDY = { temperature: 0, ignoreEos: true } as const;

/** models' generate() for one prompt alone: the reference. */
async function alone(ids: number[], maxNewTokens: number, m: CausalLM = model): Promise<number[]> {
  const r = await generate(m, [ids], { maxNewTokens, doSample: false, eosTokenIds: [], tokenizer });
  return r.tokenIds[0]!;
}

/** Collects a stream, calling `onChunk` with the number of chunks seen so far. */
async function collect(
  stream: GenerationStream,
  onChunk?: (seen: number) => void,
): Promise<GenerationChunk[]> {
  const chunks: GenerationChunk[] = [];
  for await (const c of stream) {
    chunks.push(c);
    onChunk?.(chunks.length);
  }
  return chunks;
}

describe('InferenceEngine', () => {
  it('greedy answers equal generate() of each prompt alone, whenever the requests arrive', async () => {
    const engine = new InferenceEngine(model, { tokenizer, maxSequences: 2, maxModelLen: 64 });
    const streams: Promise<GenerationChunk[]>[] = [];
    const later = (i: number, max: number) => () =>
      streams.push(collect(engine.generate({ promptIds: prompts[i]!, maxTokens: max, ...GREEDY })));
    let startedB = false;
    // A runs; B joins after A's 3rd token; C waits for a slot (2 slots) and takes A's when A ends.
    streams.push(
      collect(engine.generate({ promptIds: prompts[0]!, maxTokens: 6, ...GREEDY }), (seen) => {
        if (seen === 3 && !startedB) {
          startedB = true;
          later(1, 12)();
          later(2, 9)();
        }
      }),
    );
    await streams[0];
    const results = await Promise.all(streams);
    expect(results).toHaveLength(3);
    const maxes = [6, 12, 9];
    for (const [i, chunks] of results.entries()) {
      expect(chunks.map((c) => c.tokenId)).toEqual(await alone(prompts[i]!, maxes[i]!));
      expect(chunks.at(-1)!.finishReason).toBe('length');
      expect(chunks.slice(0, -1).every((c) => c.finishReason === null)).toBe(true);
    }
    await engine.close();
  });

  it('frees the slot of a cancelled request at once; the next request gets it', async () => {
    const engine = new InferenceEngine(model, { tokenizer, maxSequences: 1, maxModelLen: 64 });
    const controller = new AbortController();
    const first = engine.generate({
      promptIds: prompts[0]!,
      maxTokens: 40,
      ...GREEDY,
      signal: controller.signal,
    });
    const waiting = engine.generate({ promptIds: prompts[1]!, maxTokens: 5, ...GREEDY });
    expect(engine.stats).toMatchObject({ freeSlots: 1, waiting: 2 });
    let stats = engine.stats;
    await collect(first, (seen) => {
      if (seen === 2) {
        controller.abort();
        stats = engine.stats;
      }
    });
    expect(stats.running).toBe(0); // freed inside abort(), before any further step
    const result = await first.result;
    expect(result.choices[0]!.finishReason).toBe('abort');
    expect(result.choices[0]!.tokenIds).toHaveLength(2);
    const next = await waiting.result;
    expect(next.choices[0]!.tokenIds).toEqual(await alone(prompts[1]!, 5));
    // Leaving the iteration early cancels too.
    const third = engine.generate({ promptIds: prompts[2]!, maxTokens: 40, ...GREEDY });
    for await (const chunk of third) if (chunk) break;
    expect((await third.result).choices[0]!.finishReason).toBe('abort');
    expect(engine.stats.freeSlots).toBe(1);
    await engine.close();
  });

  it('n > 1 samples each choice from its own seeded stream, the same whatever else runs', async () => {
    const request = {
      promptIds: prompts[0]!,
      maxTokens: 8,
      temperature: 1.5,
      seed: 7,
      n: 3,
      ignoreEos: true,
    };
    const engine = new InferenceEngine(model, { tokenizer, maxSequences: 6, maxModelLen: 64 });
    const solo = await engine.generate(request).result;
    expect(solo.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(solo.choices.map((c) => c.tokenIds.join())).size).toBeGreaterThan(1);
    expect(solo.completionTokens).toBe(24);
    // Again, now beside other requests that arrived first and take other slots.
    const others = [1, 2].map((i) =>
      engine.generate({ promptIds: prompts[i]!, maxTokens: 10, temperature: 1, seed: i }),
    );
    const crowded = await engine.generate(request).result;
    await Promise.all(others.map((o) => o.result));
    expect(crowded.choices.map((c) => c.tokenIds)).toEqual(solo.choices.map((c) => c.tokenIds));
    const otherSeed = await engine.generate({ ...request, seed: 8 }).result;
    expect(otherSeed.choices.map((c) => c.tokenIds)).not.toEqual(solo.choices.map((c) => c.tokenIds));
    await engine.close();
  });

  it('leaks no tensor: the cache and every step are freed when the engine closes', async () => {
    const before = tf.memory().numTensors;
    const engine = new InferenceEngine(model, { tokenizer, maxSequences: 2, maxModelLen: 32 });
    expect(tf.memory().numTensors).toBeGreaterThan(before); // the preallocated cache
    const a = engine.generate({ promptIds: prompts[0]!, maxTokens: 5, ...GREEDY });
    const b = engine.generate({ promptIds: prompts[1]!, maxTokens: 50, ...GREEDY });
    await a.result;
    await engine.close(); // b still running: cancelled
    expect((await b.result).choices[0]!.finishReason).toBe('abort');
    expect(tf.memory().numTensors).toBe(before);
    expect(() => engine.generate({ promptIds: prompts[0]! })).toThrow(ServingError);
  });

  it('ends at a length limit the slot sets, and refuses bad requests naming the field', async () => {
    const engine = new InferenceEngine(model, {
      tokenizer,
      maxSequences: 1,
      maxModelLen: prompts[0]!.length + 3,
    });
    const r = await engine.generate({ promptIds: prompts[0]!, maxTokens: 100, ...GREEDY }).result;
    expect(r.choices[0]!).toMatchObject({ finishReason: 'length' });
    expect(r.choices[0]!.tokenIds).toEqual(await alone(prompts[0]!, 3));
    const refused = (request: object) => {
      try {
        engine.generate({ promptIds: prompts[0]!, ...request });
      } catch (err) {
        return { code: (err as ServingError).code, param: (err as ServingError).param };
      }
      return null;
    };
    expect(refused({ topP: 0 })).toEqual({ code: 'invalid-option', param: 'top_p' });
    expect(refused({ maxTokens: 0 })).toEqual({ code: 'invalid-option', param: 'max_tokens' });
    expect(refused({ n: 2 })).toEqual({ code: 'capacity', param: 'n' });
    expect(refused({ adapter: 'medical' })).toEqual({ code: 'not-found', param: 'adapter' });
    expect(refused({ promptIds: [...prompts[0]!, 1, 2, 3] })).toEqual({ code: 'capacity', param: 'prompt' });
    await engine.close();
  });
});

describe('InferenceEngine stop rules', () => {
  let forced: CausalLM;
  let forcedTokenizer: Tokenizer;
  beforeAll(async () => {
    const dir = join(root, 'forced');
    await createForcedReplyModel(dir, { after: '\n', reply: 'OKAY' });
    forced = await loadModel(dir);
    const { loadTokenizer } = await import('@medgpt/tokenizer');
    forcedTokenizer = await loadTokenizer(dir);
  });
  afterAll(() => forced.dispose());

  it('stops at eos, at a stop string (never streamed), at a stop token id', async () => {
    const engine = new InferenceEngine(forced, {
      tokenizer: forcedTokenizer,
      maxSequences: 3,
      maxModelLen: 32,
    });
    const prompt = forcedTokenizer.encode('Hi\n', { addSpecialTokens: false });
    const text = async (extra: object) => {
      const stream = engine.generate({ promptIds: prompt, maxTokens: 20, temperature: 0, ...extra });
      const chunks = await collect(stream);
      const result = await stream.result;
      expect(chunks.map((c) => c.text).join('')).toBe(result.choices[0]!.text);
      return [result.choices[0]!.text, result.choices[0]!.tokenIds.length, result.choices[0]!.finishReason];
    };
    const [eos, kay, y] = await Promise.all([
      text({}),
      text({ stop: ['KA'] }),
      text({ stopTokenIds: [forcedTokenizer.tokenToId('Y')!] }),
    ]);
    expect(eos).toEqual(['OKAY', 5, 'stop']); // O K A Y <|im_end|>
    expect(kay).toEqual(['O', 3, 'stop']);
    expect(y).toEqual(['OKAY', 4, 'stop']);
    expect(await text({ maxTokens: 2 })).toEqual(['OK', 2, 'length']);
    await engine.close();
  });
});

describe('InferenceEngine adapters', () => {
  it('answers each request through its own adapter, several loaded at once', async () => {
    const base = await loadModel(join(root, 'tiny'));
    const peft = new PeftModel(base);
    for (const [name, seed] of [
      ['a', 1],
      ['b', 2],
    ] as const)
      peft.addAdapter(
        name,
        { r: 4, lora_alpha: 8, target_modules: 'all', init_lora_weights: false },
        { seed },
      );
    const engine = new InferenceEngine(base, { tokenizer, peft, maxSequences: 4, maxModelLen: 64 });
    const ask = (adapter: string | null) =>
      engine.generate({ promptIds: prompts[0]!, maxTokens: 6, ...GREEDY, adapter }).result;
    const [a, b, none] = await Promise.all([ask('a'), ask('b'), ask(null)]);
    const reference = async (name: string | null) =>
      peft.withAdapter(name, () => alone(prompts[0]!, 6, base));
    expect(a.choices[0]!.tokenIds).toEqual(await reference('a'));
    expect(b.choices[0]!.tokenIds).toEqual(await reference('b'));
    expect(none.choices[0]!.tokenIds).toEqual(await reference(null));
    expect(a.choices[0]!.tokenIds).not.toEqual(b.choices[0]!.tokenIds);
    await engine.close();
    peft.dispose();
    base.dispose();
  });
});
