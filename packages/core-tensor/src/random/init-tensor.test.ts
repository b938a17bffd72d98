import { describe, expect, it } from 'vitest';
import { expectNoLeak, tf } from '../index.js';
import { Generator } from './generator.js';
import { calculateGain, fanInFanOut, initTensor } from './init-tensor.js';

function stats(t: tf.Tensor): { min: number; max: number; mean: number; std: number } {
  const v = t.dataSync();
  let s = 0;
  let s2 = 0;
  for (const x of v) {
    s += x;
    s2 += x * x;
  }
  const mean = s / v.length;
  return { min: Math.min(...v), max: Math.max(...v), mean, std: Math.sqrt(s2 / v.length - mean * mean) };
}

describe('initTensor', () => {
  it('normal with HF initializer_range', async () => {
    await tf.setBackend('cpu');
    expectNoLeak(() => {
      const w = initTensor([64, 128], { kind: 'normal', std: 0.02 }, new Generator(42));
      const s = stats(w);
      expect(Math.abs(s.mean)).toBeLessThan(0.002);
      expect(Math.abs(s.std - 0.02) / 0.02).toBeLessThan(0.03);
      w.dispose();
    });
  });

  it('kaiming_uniform (torch nn.Linear default a=sqrt(5)) and xavier_uniform stay inside their bounds', () => {
    const [out, inp] = [48, 96];
    const g = new Generator(1);
    const k = initTensor([out, inp], { kind: 'kaiming_uniform', a: Math.sqrt(5) }, g);
    // torch: gain = sqrt(2 / (1 + a^2)), bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in) for a = sqrt(5).
    const kb = 1 / Math.sqrt(inp);
    const ks = stats(k);
    expect(ks.max).toBeLessThanOrEqual(kb);
    expect(ks.min).toBeGreaterThanOrEqual(-kb);
    expect(ks.max).toBeGreaterThan(0.95 * kb);
    // Uniform(-b, b) has std b / sqrt(3).
    expect(Math.abs(ks.std - kb / Math.sqrt(3)) / (kb / Math.sqrt(3))).toBeLessThan(0.03);
    const x = initTensor([out, inp], { kind: 'xavier_uniform', gain: 2 }, g);
    const xb = 2 * Math.sqrt(6 / (inp + out));
    const xs = stats(x);
    expect(xs.max).toBeLessThanOrEqual(xb);
    expect(xs.min).toBeGreaterThanOrEqual(-xb);
    expect(xs.max).toBeGreaterThan(0.95 * xb);
    tf.dispose([k, x]);
  });

  it('zeros, ones, and the fan and gain helpers', () => {
    const z = initTensor([2, 3], { kind: 'zeros' }, new Generator(0));
    const o = initTensor([4], { kind: 'ones' }, new Generator(0));
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(o.dataSync())).toEqual([1, 1, 1, 1]);
    tf.dispose([z, o]);
    expect(fanInFanOut([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
  });

  it('rejects unknown kinds and rank-1 fans, listing what is valid', () => {
    const g = new Generator(0);
    expect(() => initTensor([2], { kind: 'orthogonal' } as never, g)).toThrow(
      /unknown init kind 'orthogonal'; expected zeros, ones/,
    );
    expect(() => initTensor([5], { kind: 'xavier_uniform' }, g)).toThrow(/rank 1; expected rank >= 2/);
    expect(() => initTensor([5, 5], { kind: 'kaiming_uniform', mode: 'fan_avg' as never }, g)).toThrow(
      /option 'mode' is 'fan_avg'; expected fan_in or fan_out/,
    );
  });
});
