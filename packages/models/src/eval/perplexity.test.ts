import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, tf } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import type { CausalLM } from '../model/causal-lm.js';
import { createTinyModel } from '../tiny/create-tiny-model.js';
import { perplexity, perplexityWindows } from './perplexity.js';

let root: string;
let model: CausalLM;
let ids: number[];
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-ppl-'));
  const { dir } = await createTinyModel(
    { architecture: 'llama', seed: 3, initializerRange: 0.2 },
    join(root, 'm'),
  );
  model = await loadModel(dir);
  const rng = new Generator(7);
  ids = Array.from(rng.uniform(23, 0, 250), (v) => Math.floor(v));
});
afterAll(async () => {
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

// -log p(ids[p] | ids[begin..p-1]) from the plain forward's logits and a float64 log-softmax.
function directNll(begin: number, end: number): number[] {
  const window = ids.slice(begin, end);
  const logits = model.forward({ inputIds: tf.tensor2d([window], [1, window.length], 'int32') });
  const rows = logits.arraySync();
  logits.dispose();
  const out: number[] = [];
  for (let t = 0; t + 1 < window.length; t++) {
    const row = rows[t]!;
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    out.push(lse - row[window[t + 1]!]!);
  }
  return out; // out[t] scores token begin + t + 1
}

describe('perplexity', () => {
  it('slides windows as HF’s guide does', () => {
    expect(perplexityWindows(23, 8, 8)).toEqual([
      [0, 8],
      [8, 16],
      [16, 23],
    ]);
    expect(perplexityWindows(23, 8, 5)).toEqual([
      [0, 8],
      [5, 13],
      [10, 18],
      [15, 23],
    ]);
  });

  it('with stride = max_length scores each window’s tokens after its first, nothing else', () => {
    const before = tf.memory().numTensors;
    const r = perplexity(model, ids, { maxLength: 8 });
    expect(tf.memory().numTensors).toBe(before);
    // Disjoint windows [0,8) [8,16) [16,23): 7 + 7 + 6 tokens.
    expect(r.windows).toBe(3);
    expect(r.tokens).toBe(ids.length - 3);
    const nll = [...directNll(0, 8), ...directNll(8, 16), ...directNll(16, 23)];
    expect(nll).toHaveLength(r.tokens);
    const mean = nll.reduce((a, b) => a + b, 0) / nll.length;
    expect(r.meanNll).toBeCloseTo(mean, 4);
    expect(r.perplexity).toBeCloseTo(Math.exp(mean), 3);
  });

  it('with a smaller stride counts only the new tokens of each window, each once', () => {
    const before = tf.memory().numTensors;
    const r = perplexity(model, ids, { maxLength: 8, stride: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.windows).toBe(4);
    expect(r.tokens).toBe(ids.length - 1);
    // Window [0,8) scores tokens 1..7; [5,13) tokens 8..12 (out[t] scores 5 + t + 1, so t = 2..6);
    // [10,18) tokens 13..17; [15,23) tokens 18..22.
    const nll = [
      ...directNll(0, 8),
      ...directNll(5, 13).slice(2),
      ...directNll(10, 18).slice(2),
      ...directNll(15, 23).slice(2),
    ];
    expect(nll).toHaveLength(ids.length - 1);
    const mean = nll.reduce((a, b) => a + b, 0) / nll.length;
    expect(r.meanNll).toBeCloseTo(mean, 4);
    // One window over everything scores the same tokens with full context: differs from the stride run.
    const whole = perplexity(model, ids, { maxLength: 64 });
    expect(whole.tokens).toBe(ids.length - 1);
    expect(whole.windows).toBe(1);
    const full = directNll(0, ids.length);
    expect(whole.meanNll).toBeCloseTo(full.reduce((a, b) => a + b, 0) / full.length, 4);
  });

  it('refuses a stride that would skip tokens, and a text of one token', () => {
    expect(() => perplexity(model, ids, { maxLength: 8, stride: 9 })).toThrow(
      /"stride": is 9; expected an integer from 1 to max_length \(8\)/,
    );
    expect(() => perplexity(model, [5], { maxLength: 8 })).toThrow(/"input_ids": has 1 token\(s\)/);
    expect(() => perplexity(model, ids, { maxLength: 1 })).toThrow(/"max_length": is 1/);
  });
});
