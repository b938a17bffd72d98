import { Generator } from '@medgpt/core-tensor';
import { describe, expect, it } from 'vitest';
import { applyRepetitionPenalty } from './apply-repetition-penalty.js';
import { applyTemperature } from './apply-temperature.js';
import { argmaxRow } from './argmax-row.js';
import { minPFilter } from './min-p-filter.js';
import { sampleRow } from './sample-row.js';
import { processLogits, selectNextToken, type SamplingSettings } from './select-next-token.js';
import { softmaxRow } from './softmax-row.js';
import { topKFilter } from './top-k-filter.js';
import { topPFilter } from './top-p-filter.js';

const row = (...v: number[]) => Float32Array.from(v);
const kept = (r: Float32Array) => Array.from(r.keys()).filter((i) => r[i] !== -Infinity);
const greedy: SamplingSettings = {
  doSample: false,
  temperature: 1,
  topK: 0,
  topP: 1,
  minP: null,
  repetitionPenalty: 1,
};

describe('logits processors (transformers semantics)', () => {
  it('repetition penalty divides positive and multiplies negative logits of seen ids, once each', () => {
    const input = row(2, -2, 1, 0.5);
    const out = applyRepetitionPenalty(input, [0, 1, 1, 9], 2);
    expect(Array.from(out)).toEqual([1, -4, 1, 0.5]);
    expect(Array.from(input)).toEqual([2, -2, 1, 0.5]);
  });

  it('temperature divides every logit', () => {
    expect(Array.from(applyTemperature(row(1, -2, 4), 0.5))).toEqual([2, -4, 8]);
    expect(() => applyTemperature(row(1), 0)).toThrow(/temperature must be a positive number/);
  });

  it('top-k keeps the k largest and everything tied with the k-th', () => {
    expect(kept(topKFilter(row(1, 5, 3, 4, 2), 2))).toEqual([1, 3]);
    expect(kept(topKFilter(row(1, 4, 3, 4, 2), 1))).toEqual([1, 3]);
    expect(kept(topKFilter(row(1, 2), 5))).toEqual([0, 1]);
  });

  it('top-p keeps the smallest set of most likely tokens whose mass exceeds p', () => {
    // probabilities proportional to 1, 2, 3, 4 (ids 0..3): 0.1, 0.2, 0.3, 0.4
    const logits = row(...[1, 2, 3, 4].map(Math.log));
    expect(kept(topPFilter(logits, 0.35))).toEqual([3]);
    expect(kept(topPFilter(logits, 0.45))).toEqual([2, 3]);
    expect(kept(topPFilter(logits, 0.75))).toEqual([1, 2, 3]);
    expect(kept(topPFilter(logits, 1e-9))).toEqual([3]);
  });

  it('min-p drops tokens below min_p times the top probability, never the top one', () => {
    const logits = row(...[1, 2, 3, 4].map(Math.log));
    expect(kept(minPFilter(logits, 0.45))).toEqual([1, 2, 3]);
    expect(kept(minPFilter(logits, 0.76))).toEqual([3]);
    expect(kept(minPFilter(logits, 0))).toEqual([0, 1, 2, 3]);
  });

  it('softmax and argmax', () => {
    const p = softmaxRow(row(0, Math.log(3), -Infinity));
    // float32 rounding of log(3) limits the agreement to ~1e-8
    expect(p[0]).toBeCloseTo(0.25, 7);
    expect(p[1]).toBeCloseTo(0.75, 7);
    expect(p[2]).toBe(0);
    expect(argmaxRow(row(1, 3, 3, 2))).toBe(1);
  });

  it('applies penalty, then temperature, top-k, top-p, min-p, only the penalty when greedy', () => {
    const logits = row(4, 3, 2, 1, 0);
    expect(Array.from(processLogits(logits, [0], { ...greedy, repetitionPenalty: 2, topK: 1 }))).toEqual([
      2, 3, 2, 1, 0,
    ]);
    const sampled = processLogits(logits, [0], {
      ...greedy,
      doSample: true,
      repetitionPenalty: 2,
      temperature: 0.5,
      topK: 3,
    });
    expect(Array.from(sampled)).toEqual([4, 6, 4, -Infinity, -Infinity]);
    expect(selectNextToken(logits, [0], { ...greedy, repetitionPenalty: 4 }, new Generator(0))).toBe(1);
  });
});

describe('sampleRow', () => {
  it('is reproducible from the seed and follows the distribution', () => {
    const logits = row(...[1, 2, 3, 4].map(Math.log));
    const draw = (seed: number) => {
      const rng = new Generator(seed);
      return Array.from({ length: 4000 }, () => sampleRow(logits, rng));
    };
    const a = draw(11);
    expect(draw(11)).toEqual(a);
    expect(draw(12)).not.toEqual(a);
    const counts = [0, 1, 2, 3].map((id) => a.filter((t) => t === id).length / a.length);
    // 4000 draws: standard error <= 0.008, so 0.03 is beyond 3.5 sigma.
    counts.forEach((c, i) => expect(Math.abs(c - (i + 1) / 10)).toBeLessThan(0.03));
  });

  it('never draws a filtered token', () => {
    const rng = new Generator(5);
    const filtered = topKFilter(row(0, 0, 0, 5, 5), 2);
    for (let i = 0; i < 500; i++) expect([3, 4]).toContain(sampleRow(filtered, rng));
  });
});
