import { collatePacked, collateSft, packSequences } from '@medgpt/data';
import { expectNoLeak, Generator, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNeftuneNoise, neftuneMagnitude, sequenceLengths } from './neftune.js';

const row = (n: number) => ({ inputIds: new Int32Array(n).fill(1), labels: new Int32Array(n).fill(1) });

describe('NEFTune', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('scales the noise as the paper (alpha/sqrt(L*d)) or as MedicalGPT (alpha/sqrt(V*d))', () => {
    const o = { alpha: 5, seqLength: 100, vocabSize: 151936 };
    expect(neftuneMagnitude({ ...o, scale: 'paper' }, 896)).toBeCloseTo(5 / Math.sqrt(100 * 896), 12);
    expect(neftuneMagnitude({ ...o, scale: 'medicalgpt' }, 896)).toBeCloseTo(5 / Math.sqrt(151936 * 896), 12);
  });

  it('L is the length without padding: of each row, or of each packed sample', () => {
    const padded = collateSft([row(3), row(5)], { padTokenId: 0 });
    expect(Array.from(sequenceLengths(padded))).toEqual([3, 3, 3, 0, 0, 5, 5, 5, 5, 5]);
    const packed = collatePacked(packSequences([row(2), row(3), row(4)], { maxLength: 6 }), {
      padTokenId: 0,
      seqLength: 6,
    });
    const lengths = Array.from(sequenceLengths(packed));
    // Each real token's L is the size of its segment; padding is 0.
    packed.segmentIds!.forEach((s, i) => {
      const rowStart = i - (i % 6);
      const size = Array.from(packed.segmentIds!.slice(rowStart, rowStart + 6)).filter((x) => x === s).length;
      expect(lengths[i]).toBe(s === 0 ? 0 : size);
    });
  });

  it('adds Uniform(-m, m) noise with m from each token L, reproducible from the generator, nothing at alpha 0', () => {
    const lengths = [3, 3, 3, 0, 1, 1];
    const x = tf.zeros([6, 8]) as tf.Tensor2D;
    const options = { alpha: 5, scale: 'paper' as const, vocabSize: 64, lengths };
    const g = new Generator(11);
    const state = g.getState();
    const values = expectNoLeak(() => {
      const noisy = addNeftuneNoise(x, { ...options, generator: g });
      const data = noisy.arraySync();
      noisy.dispose();
      return data;
    });
    values.forEach((r, i) => {
      const m = lengths[i] === 0 ? 0 : neftuneMagnitude({ ...options, seqLength: lengths[i]! }, 8);
      const widest = Math.max(...r.map(Math.abs));
      expect(widest).toBeLessThanOrEqual(m);
      if (m > 0) expect(widest).toBeGreaterThan(0.3 * m);
    });
    g.setState(state);
    const again = addNeftuneNoise(x, { ...options, generator: g });
    expect(again.arraySync()).toEqual(values);
    expect(addNeftuneNoise(x, { ...options, alpha: 0, generator: g })).toBe(x);
    expect(() => addNeftuneNoise(x, { ...options, lengths: [1], generator: g })).toThrow('1 token lengths');
    tf.dispose([x, again]);
  });
});
