import { describe, expect, it } from 'vitest';
import { KlController } from './kl-controller.js';

describe('KlController', () => {
  it('stays fixed unless adaptive', () => {
    const k = new KlController(0.05);
    k.update(100, 64);
    expect(k.value).toBe(0.05);
  });

  it('adapts by 1 + clip(KL/target - 1, ±0.2) · n / horizon', () => {
    const k = new KlController(0.2, { target: 6, horizon: 10000 });
    k.update(9, 100); // error clip(0.5) = 0.2: 0.2 · (1 + 0.2 · 100 / 10000)
    expect(k.value).toBeCloseTo(0.2 * 1.002, 12);
    k.update(3, 100); // error -0.5 -> -0.2
    expect(k.value).toBeCloseTo(0.2 * 1.002 * 0.998, 12);
    k.update(6.6, 1000); // error 0.1
    expect(k.value).toBeCloseTo(0.2 * 1.002 * 0.998 * 1.01, 12);
    expect(() => new KlController(-1)).toThrow(/>= 0/);
  });
});
