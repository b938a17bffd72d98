import { tf } from '@medgpt/core-tensor';
import { describe, expect, it } from 'vitest';
import { storedBits } from './Fill.js';
import { rangeValues } from './Range.js';

describe('constants', () => {
  it('stores values as their 32-bit words', () => {
    expect(storedBits(1, 'float32')).toBe(0x3f800000);
    expect(storedBits(-1, 'int32')).toBe(0xffffffff);
    expect(storedBits(2, 'bool')).toBe(1);
  });

  it('makes ranges exactly as tfjs-backend-cpu (repeated float32 additions)', async () => {
    await tf.setBackend('cpu');
    for (const [start, stop, step, dtype] of [
      [-1, 2, 0.1, 'float32'],
      [0, 10, 3, 'int32'],
      [5, 0, 1, 'float32'],
      [3, 3, 1, 'int32'],
      [0, 1, -1, 'float32'],
    ] as const) {
      const want = tf.range(start, stop, step, dtype);
      expect(rangeValues(start, stop, step, dtype)).toEqual(want.dataSync());
      want.dispose();
    }
  });
});
