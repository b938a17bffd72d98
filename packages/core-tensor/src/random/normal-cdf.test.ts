import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf, normalQuantile } from './normal-cdf.js';

// Composite Simpson's rule for 2/sqrt(pi) * integral_0^x exp(-t^2) dt: an independent oracle for erf.
function erfBySimpson(x: number, n = 2000): number {
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

describe('erf / normalCdf / normalQuantile', () => {
  it('erf agrees with numerical integration and is odd', () => {
    for (const x of [0.1, 0.5, 1, 1.7, 2.5, 3.3, 4.2, 5.5]) {
      expect(Math.abs(erf(x) - erfBySimpson(x))).toBeLessThan(1e-12);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erf(0)).toBe(0);
    expect(erf(7)).toBe(1);
  });

  it('erfc: the continued fraction above 3 meets the series below it', () => {
    const viaSeries = 1 - erf(3);
    expect(Math.abs(erfc(3) - viaSeries) / viaSeries).toBeLessThan(1e-10);
    // The tail keeps relative precision where 1 - erf(x) would round to 0.
    expect(erfc(10)).toBeGreaterThan(0);
    expect(Math.abs(erfc(10) * Math.exp(100) * Math.sqrt(Math.PI) * 10 - 1)).toBeLessThan(0.01);
  });

  it('the quantile inverts the CDF (two independent algorithms) over the whole range', () => {
    for (const p of [1e-10, 1e-6, 1e-3, 0.02, 0.02425, 0.1, 0.3, 0.5, 0.77, 0.975, 0.999, 1 - 1e-7]) {
      const x = normalQuantile(p);
      // Acklam's relative error in x is < 1.2e-9; in p that is about x^2 times larger (< 5e-8 here).
      expect(Math.abs(normalCdf(x) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-7);
    }
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});
