import { expectNoLeak, Generator, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNeftuneNoise, neftuneMagnitude } from './neftune.js';

describe('NEFTune', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('scales the noise as the paper (alpha/sqrt(L*d)) or as MedicalGPT (alpha/sqrt(V*d))', () => {
    const o = { alpha: 5, seqLength: 100, vocabSize: 151936 };
    expect(neftuneMagnitude({ ...o, scale: 'paper' }, 896)).toBeCloseTo(5 / Math.sqrt(100 * 896), 12);
    expect(neftuneMagnitude({ ...o, scale: 'medicalgpt' }, 896)).toBeCloseTo(5 / Math.sqrt(151936 * 896), 12);
  });

  it('adds uniform noise within the magnitude, reproducible from the generator state, nothing at alpha 0', () => {
    const x = tf.zeros([6, 8]) as tf.Tensor2D;
    const options = { alpha: 5, scale: 'paper' as const, seqLength: 3, vocabSize: 64 };
    const m = neftuneMagnitude(options, 8);
    const g = new Generator(11);
    const state = g.getState();
    const values = expectNoLeak(() => {
      const noisy = addNeftuneNoise(x, { ...options, generator: g });
      const data = Array.from(noisy.dataSync());
      noisy.dispose();
      return data;
    });
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(m);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.5 * m);
    g.setState(state);
    const again = addNeftuneNoise(x, { ...options, generator: g });
    expect(Array.from(again.dataSync())).toEqual(values);
    expect(addNeftuneNoise(x, { ...options, alpha: 0, generator: g })).toBe(x);
    tf.dispose([x, again]);
  });
});
