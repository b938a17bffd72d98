import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, tf } from '@medgpt/core-tensor';
import {
  createTinyModel,
  parseGenerationConfig,
  resolveGenerationSettings,
  selectNextToken,
  type GenerateOptions,
} from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSequence } from './engine-sequence.js';
import { selectNextTokens } from './select-next-tokens.js';

let root: string;
let tokenizer: Tokenizer;
const VOCAB = 300;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-next-tokens-'));
  tokenizer = (await createTinyModel({ seed: 1 }, join(root, 'tiny'))).tokenizer;
});
afterAll(() => rm(root, { recursive: true, force: true }));

const sequence = (options: GenerateOptions, seed: bigint) =>
  new EngineSequence(
    0,
    [5, 6, 7, 5],
    resolveGenerationSettings(parseGenerationConfig({}, 'generation_config.json'), options, 4),
    seed,
    tokenizer,
    true,
    100,
  );

/** Rows with a tie for the max (the first index wins) and a token the repetition penalty pushes down. */
function logitRows(rows: number): Float32Array {
  const data = new Generator(7n).normal(rows * VOCAB);
  for (let r = 0; r < rows; r++) {
    data[r * VOCAB + 40 + r] = 9;
    data[r * VOCAB + 200 + r] = 9;
    data[r * VOCAB + 5] = 9.5;
  }
  return data;
}

describe('selectNextTokens', () => {
  it('gives each row the token selectNextToken gives, argmax rows on the backend, the rest on the host', async () => {
    const settings: GenerateOptions[] = [
      { temperature: 0 },
      { temperature: 0, repetitionPenalty: 1.5 },
      { temperature: 0.8, topK: 20, seed: 11 },
      { temperature: 0 },
      { temperature: 1.2, topP: 0.9, seed: 12 },
    ];
    const ours = settings.map((o, i) => sequence(o, BigInt(100 + i)));
    const reference = settings.map((o, i) => sequence(o, BigInt(100 + i)));
    const data = logitRows(settings.length);
    const logits = tf.tensor2d(data, [settings.length, VOCAB]);
    const before = tf.memory().numTensors;
    const tokens = await selectNextTokens(logits, ours);
    expect(tf.memory().numTensors).toBe(before);
    const expected = reference.map((s, b) =>
      selectNextToken(data.subarray(b * VOCAB, (b + 1) * VOCAB), s.seen, s.settings, s.rng),
    );
    expect(tokens).toEqual(expected);
    // The greedy rows: 5 is the largest, unless the penalty lowers it; then the first of the tie.
    expect([tokens[0], tokens[1], tokens[3]]).toEqual([5, 41, 5]);
    logits.dispose();
  });

  it('reads nothing back but token ids when every row is greedy, and frees what it made', async () => {
    const group = [sequence({ temperature: 0 }, 1n), sequence({ temperature: 0 }, 2n)];
    const logits = tf.tensor2d(logitRows(2), [2, VOCAB]);
    const before = tf.memory().numTensors;
    expect(await selectNextTokens(logits, group)).toEqual([5, 5]);
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });
});
