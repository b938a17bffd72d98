import { describe, expect, it } from 'vitest';
import { compareTensors, type ReadTensor } from './compare-values.js';

const names = { reference: 'cpu', backend: 'cuda' };

const tensor = (values: number[]): ReadTensor => ({
  label: 'out0',
  shape: [values.length],
  dtype: 'float32',
  values: Float32Array.from(values),
});

describe('compareTensors', () => {
  it('scales atol by the reference rms with atolOfRms', () => {
    // rms of the reference is 10, so atol 0.05 allows 0.5 everywhere, even on the value that cancelled to 0.
    const want = tensor([10, -10, 0, 14.142135]);
    const ok = compareTensors(
      want,
      tensor([10.4, -10.3, 0.45, 14.5]),
      {
        rtol: 0,
        atol: 0.05,
        atolOfRms: true,
      },
      names,
    );
    expect(ok.problem).toBe('');
    expect(ok.toleranceUsed).toBeGreaterThan(0.8);
    const bad = compareTensors(
      want,
      tensor([10, -10, 0.6, 14.142135]),
      {
        rtol: 0,
        atol: 0.05,
        atolOfRms: true,
      },
      names,
    );
    expect(bad.problem).toMatch(/out0\[2\]: cpu 0, cuda 0\.6/);
  });

  it('keeps atol absolute without it', () => {
    const cmp = compareTensors(tensor([10, 0]), tensor([10, 0.45]), { rtol: 0, atol: 0.05 }, names);
    expect(cmp.problem).toMatch(/out0\[1\]/);
  });
});
