import { describe, expect, it } from 'vitest';
import { computeRound, splitGather } from './compute-round.js';

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const read = (b: Uint8Array) => Array.from(new Float32Array(b.slice().buffer));

describe('computeRound', () => {
  const inputs = [f32(1, 2, 3, 4), f32(10, 20, 30, 40), f32(100, 200, 300, 400)];

  it('allReduce: sum, avg, max, min, the same result for every rank', () => {
    const sum = computeRound({ kind: 'allReduce', dtype: 'f32', op: 'sum' }, inputs, 'allReduce #0');
    expect(sum.map(read)).toEqual([0, 1, 2].map(() => [111, 222, 333, 444]));
    expect(read(computeRound({ kind: 'allReduce', dtype: 'f32', op: 'avg' }, inputs, 'x')[2]!)).toEqual([
      37, 74, 111, 148,
    ]);
    expect(read(computeRound({ kind: 'allReduce', dtype: 'f32', op: 'max' }, inputs, 'x')[0]!)).toEqual([
      100, 200, 300, 400,
    ]);
    expect(read(computeRound({ kind: 'allReduce', dtype: 'f32', op: 'min' }, inputs, 'x')[1]!)).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('reduceScatter gives each rank its part of the sum; allGather concatenates in rank order', () => {
    const six = [f32(1, 2, 3, 4, 5, 6), f32(1, 1, 1, 1, 1, 1), f32(0, 0, 0, 0, 0, 10)];
    const parts = computeRound({ kind: 'reduceScatter', dtype: 'f32', op: 'sum' }, six, 'x');
    expect(parts.map(read)).toEqual([
      [2, 3],
      [4, 5],
      [6, 17],
    ]);
    const all = computeRound({ kind: 'allGather', dtype: 'f32' }, [f32(1), f32(2), f32(3)], 'x');
    expect(read(all[1]!)).toEqual([1, 2, 3]);
  });

  it('gather keeps each rank’s bytes apart; broadcast hands out the root’s', () => {
    const enc = new TextEncoder();
    const parts = [enc.encode('{"a":1}'), enc.encode(''), enc.encode('"xyz"')];
    const result = computeRound({ kind: 'gather', dtype: 'bytes' }, parts, 'x')[0]!;
    expect(splitGather(result).map((b) => new TextDecoder().decode(b))).toEqual(['{"a":1}', '', '"xyz"']);
    const b = computeRound({ kind: 'broadcast', dtype: 'f32', root: 2 }, [f32(), f32(), f32(7, 8)], 'x');
    expect(b.map(read)).toEqual([
      [7, 8],
      [7, 8],
      [7, 8],
    ]);
  });

  it('names the rank whose size differs', () => {
    expect(() =>
      computeRound(
        { kind: 'allReduce', dtype: 'f32', op: 'sum' },
        [f32(1, 2), f32(1, 2), f32(1)],
        'allReduce #4',
      ),
    ).toThrow(
      'allReduce #4: the ranks passed different sizes: rank 0 allReduce(sum) of 2 float32, rank 2 allReduce(sum) of 1 float32',
    );
  });

  it('sums float32 in float32, in rank order (every rank gets the same bits)', () => {
    const tiny = [f32(1e8), f32(1), f32(-1e8)];
    // (1e8 + 1) rounds back to 1e8 in float32, so the sum is 0 taken in rank order.
    expect(read(computeRound({ kind: 'allReduce', dtype: 'f32', op: 'sum' }, tiny, 'x')[0]!)).toEqual([0]);
  });
});
