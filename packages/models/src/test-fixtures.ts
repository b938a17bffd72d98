// Test support (not exported): the golden fixtures made by tools/fixtures/make_model_fixtures.py.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Fixture models: one per architecture, plus llama3 RoPE scaling and Qwen2 stored in bf16. */
export const FIXTURE_NAMES = [
  'llama',
  'llama3-rope',
  'qwen2',
  'qwen3',
  'mistral',
  'qwen2-bf16',
  'gemma2',
  'gemma3',
  'baichuan-7b-rope',
  'baichuan2-7b-rope',
  'baichuan2-13b-alibi',
  'mixtral',
  'qwen3-moe',
] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** expected.json: inputs and transformers' outputs for them. */
export interface Expected {
  name: string;
  dtype: string;
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
  logits: number[][][];
  greedy_single: number[];
  greedy_batched: number[][];
}

export function fixtureDir(name: string): string {
  return `${FIXTURES_DIR}${name}`;
}

export function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(`${fixtureDir(name)}/expected.json`, 'utf8')) as Expected;
}

/** Largest |a - b| over the non-padding positions (mask 1) of [batch][T][V] logits. */
export function maxAbsDiffAtRealTokens(ours: Float32Array, theirs: number[][][], mask: number[][]): number {
  let max = 0;
  const t = mask[0]!.length;
  const v = theirs[0]![0]!.length;
  for (let b = 0; b < mask.length; b++) {
    for (let i = 0; i < t; i++) {
      if (!mask[b]![i]) continue;
      for (let j = 0; j < v; j++)
        max = Math.max(max, Math.abs(ours[(b * t + i) * v + j]! - theirs[b]![i]![j]!));
    }
  }
  return max;
}
