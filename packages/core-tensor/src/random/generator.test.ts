import { describe, expect, it } from 'vitest';
import { Generator } from './generator.js';
import { normalCdf } from './normal-cdf.js';

const mean = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
};
const variance = (a: ArrayLike<number>): number => {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return s / a.length;
};

// Kolmogorov-Smirnov distance between a sample and a CDF.
function ksDistance(sample: Float32Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(sample).sort();
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / sorted.length), Math.abs(f - (i + 1) / sorted.length));
  });
  return d;
}

const N = 40_000;
// 99.9% critical value of the KS statistic.
const KS_LIMIT = 1.95 / Math.sqrt(N);

describe('Generator', () => {
  it('same seed, same stream; another seed, another stream', () => {
    expect(Array.from(new Generator(42).uniform(8))).toEqual(Array.from(new Generator(42).uniform(8)));
    expect(Array.from(new Generator(42).uniform(8))).not.toEqual(Array.from(new Generator(43).uniform(8)));
    // The high half of a 64-bit seed matters.
    expect(Array.from(new Generator(1n << 40n).uint32(4))).not.toEqual(
      Array.from(new Generator(0).uint32(4)),
    );
    expect(new Generator(2n ** 64n - 1n).seed).toBe(2n ** 64n - 1n);
  });

  it('draws continue the stream; getState/setState replays it', () => {
    const g = new Generator(7);
    const first = g.uniform(6);
    expect(g.offset).toBe(2);
    const state = g.getState();
    const next = g.normal(5);
    g.setState(state);
    expect(Array.from(g.normal(5))).toEqual(Array.from(next));
    const whole = new Generator(7).uniform(8);
    expect(Array.from(first)).toEqual(Array.from(whole.subarray(0, 6)));
  });

  it('uniform: in range, right moments and distribution', () => {
    const u = new Generator(1).uniform(N, -1, 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(ksDistance(u, (x) => Math.min(1, Math.max(0, (x + 1) / 4)))).toBeLessThan(KS_LIMIT);
  });

  it('normal: the distribution of N(mean, std)', () => {
    const z = new Generator(2).normal(N, 3, 2);
    expect(ksDistance(z, (x) => normalCdf((x - 3) / 2))).toBeLessThan(KS_LIMIT);
    expect(Math.abs(mean(z) - 3)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(variance(z)) - 2)).toBeLessThan(0.05);
  });

  it('truncated normal: inside the bounds, with the truncated CDF', () => {
    const [mu, sigma, a, b] = [0.5, 1, -1, 1.5];
    const t = new Generator(3).truncatedNormal(N, mu, sigma, a, b);
    expect(Math.min(...t)).toBeGreaterThanOrEqual(a);
    expect(Math.max(...t)).toBeLessThanOrEqual(b);
    const lo = normalCdf((a - mu) / sigma);
    const hi = normalCdf((b - mu) / sigma);
    const cdf = (x: number): number => (normalCdf((x - mu) / sigma) - lo) / (hi - lo);
    expect(ksDistance(t, cdf)).toBeLessThan(KS_LIMIT);
  });

  it('rejects bad seeds, states and parameters, naming them, without advancing', () => {
    expect(() => new Generator(-1)).toThrow(/seed -1 .*\[0, 2\^64\)/);
    expect(() => new Generator(1.5)).toThrow(/seed 1.5/);
    expect(() => new Generator(2n ** 64n)).toThrow(/seed/);
    const g = new Generator(0);
    expect(() => g.normal(4, 0, 0)).toThrow(/option 'std' is 0; expected a finite number > 0/);
    expect(() => g.uniform(4, 1, 0)).toThrow(/option 'high' is 0/);
    expect(() => g.truncatedNormal(4, 0, 1, 2, 1)).toThrow(/option 'b' is 1/);
    expect(g.offset).toBe(0);
    expect(() => g.setState({ key: [0, -1], offset: 0 })).toThrow(/key \[0,-1\]/);
  });
});
