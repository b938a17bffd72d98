import type { Generator } from '@medgpt/core-tensor';
import { applyRepetitionPenalty } from './apply-repetition-penalty.js';
import { applyTemperature } from './apply-temperature.js';
import { argmaxRow } from './argmax-row.js';
import { minPFilter } from './min-p-filter.js';
import { sampleRow } from './sample-row.js';
import { topKFilter } from './top-k-filter.js';
import { topPFilter } from './top-p-filter.js';

/** How one token is chosen from a logits row. */
export interface SamplingSettings {
  doSample: boolean;
  temperature: number;
  /** 0 disables. */
  topK: number;
  /** 1 disables. */
  topP: number;
  /** null disables. */
  minP: number | null;
  /** 1 disables. */
  repetitionPenalty: number;
}

/**
 * The row transformers' generate would sample from: the repetition penalty over `seen` (the whole
 * sequence so far, prompt included), then, when sampling, temperature, top-k, top-p and min-p in
 * that order. Pure: the input row is not modified.
 */
export function processLogits(row: Float32Array, seen: Iterable<number>, s: SamplingSettings): Float32Array {
  let out = s.repetitionPenalty !== 1 ? applyRepetitionPenalty(row, seen, s.repetitionPenalty) : row;
  if (!s.doSample) return out;
  if (s.temperature !== 1) out = applyTemperature(out, s.temperature);
  if (s.topK > 0) out = topKFilter(out, s.topK);
  if (s.topP < 1) out = topPFilter(out, s.topP);
  if (s.minP !== null && s.minP > 0) out = minPFilter(out, s.minP);
  return out;
}

/** The next token: argmax of the processed row (greedy), or a draw from it with `rng`. */
export function selectNextToken(
  row: Float32Array,
  seen: Iterable<number>,
  s: SamplingSettings,
  rng: Generator,
): number {
  const processed = processLogits(row, seen, s);
  return s.doSample ? sampleRow(processed, rng) : argmaxRow(processed);
}
