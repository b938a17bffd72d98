import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel, type CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { batchBucket, CapturedDecode, DecodeRun, SPAN_BLOCK, spanBucket } from './captured-decode.js';
import type { GenerationRequest } from './generation-request.js';
import { InferenceEngine } from './inference-engine.js';

let root: string;
let model: CausalLM;
let tokenizer: Tokenizer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-captured-'));
  const made = await createTinyModel({ seed: 5, initializerRange: 0.5 }, join(root, 'tiny'));
  tokenizer = made.tokenizer;
  model = await loadModel(made.dir);
});
afterAll(async () => {
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Every request's token ids, all submitted in one tick to an engine made with `captureDecode`. */
async function answers(
  captureDecode: boolean,
  requests: GenerationRequest[],
): Promise<(readonly number[])[][]> {
  const engine = new InferenceEngine(model, { tokenizer, maxSequences: 6, maxModelLen: 200, captureDecode });
  try {
    const results = await Promise.all(requests.map((r) => engine.generate(r).result));
    expect(engine.stats.capturedDecode).toEqual({ enabled: captureDecode, error: null });
    return results.map((r) => r.choices.map((c) => c.tokenIds));
  } finally {
    await engine.close();
  }
}

describe('captured decode steps (padded batch and key span, eager on cpu)', () => {
  it('pads a batch to a power of two within the slots, and keys to whole blocks within the capacity', () => {
    expect([1, 2, 3, 5, 8, 9].map((n) => batchBucket(n, 8))).toEqual([1, 2, 4, 8, 8, 8]);
    expect([1, SPAN_BLOCK, SPAN_BLOCK + 1, 1000].map((k) => spanBucket(k, 300))).toEqual([
      SPAN_BLOCK,
      SPAN_BLOCK,
      2 * SPAN_BLOCK,
      300,
    ]);
  });

  it('gives the tokens of the eager step: rows of different lengths, n > 1, requests leaving, sampling beside', async () => {
    const ids = (text: string) => tokenizer.encode(text);
    const greedy = { temperature: 0, ignoreEos: true } as const;
    const requests: GenerationRequest[] = [
      { promptIds: ids('Fever and cough?'), maxTokens: 150, ...greedy }, // crosses a span block
      { promptIds: ids('Hi'), maxTokens: 5, ...greedy }, // leaves early: the batch shrinks to 2, then 1
      { promptIds: ids('What helps a headache, doctor?'), maxTokens: 40, n: 2, ...greedy },
      { promptIds: ids('Rash'), maxTokens: 30, temperature: 0.9, seed: 7 }, // sampled: the eager step
    ];
    const before = tf.memory().numTensors;
    const captured = await answers(true, requests);
    const eager = await answers(false, requests);
    expect(captured).toEqual(eager);
    expect(captured[0]![0]).toHaveLength(150);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('queues each step before the previous one is read, and stops, cancels and joins as eager decoding does', async () => {
    const ids = (text: string) => tokenizer.encode(text);
    const greedy = { temperature: 0, ignoreEos: true } as const;
    const prompt = ids('Fever and cough?');
    const [[reference]] = await answers(false, [{ promptIds: prompt, maxTokens: 40, ...greedy }]);
    const stopAt = reference![12]!; // unknown ahead: a step is already queued when this token arrives
    const requests: GenerationRequest[] = [
      { promptIds: prompt, maxTokens: 40, stopTokenIds: [stopAt], ...greedy },
      { promptIds: ids('Hi there'), maxTokens: 25, ...greedy },
    ];
    const launch = vi.spyOn(CapturedDecode.prototype, 'launch');
    try {
      const before = tf.memory().numTensors;
      const captured = await answers(true, requests);
      const chained = launch.mock.calls.filter((c) => c[2] instanceof DecodeRun).length;
      expect(chained).toBeGreaterThan(20);
      expect(captured).toEqual(await answers(false, requests));
      expect(captured[0]![0]!.at(-1)).toBe(stopAt);
      expect(captured[0]![0]!.length).toBeLessThanOrEqual(13);

      // A request cancelled mid-stream while another decodes beside it, then a new one joins.
      const engine = new InferenceEngine(model, {
        tokenizer,
        maxSequences: 4,
        maxModelLen: 200,
        captureDecode: true,
      });
      const controller = new AbortController();
      const stream = engine.generate({
        promptIds: prompt,
        maxTokens: 40,
        signal: controller.signal,
        ...greedy,
      });
      const other = engine.generate({ promptIds: ids('Hi there'), maxTokens: 25, ...greedy });
      const got: number[] = [];
      for await (const chunk of stream) {
        got.push(chunk.tokenId);
        if (got.length === 6) controller.abort();
      }
      const joined = await engine.generate({ promptIds: prompt, maxTokens: 20, ...greedy }).result;
      expect(got.slice(0, 6)).toEqual(reference!.slice(0, 6));
      expect((await other.result).choices[0]!.tokenIds).toEqual(captured[1]![0]);
      expect(joined.choices[0]!.tokenIds).toEqual(reference!.slice(0, 20));
      expect(engine.stats.capturedDecode).toEqual({ enabled: true, error: null });
      await engine.close();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      launch.mockRestore();
    }
  });
});
