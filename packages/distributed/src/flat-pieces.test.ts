import { tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { FlatAssembler, flatRange } from './flat-pieces.js';

describe('flat pieces', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('cuts any range of the flat vector out of the parameters, zeros for missing ones and past the end', () => {
    const tensors: (tf.Tensor | null)[] = [
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      null,
      tf.tensor1d([7, 8, 9]),
    ];
    const offsets = [0, 4, 6];
    const sizes = [4, 2, 3];
    const range = (start: number, n: number) => {
      const t = flatRange(tensors, offsets, sizes, start, n);
      const values = Array.from(t.dataSync());
      t.dispose();
      return values;
    };
    expect(range(0, 11)).toEqual([1, 2, 3, 4, 0, 0, 7, 8, 9, 0, 0]);
    expect(range(3, 4)).toEqual([4, 0, 0, 7]);
    expect(range(9, 2)).toEqual([0, 0]);
    tf.dispose(tensors.filter((t): t is tf.Tensor => t !== null));
  });

  it('puts parameters back together from pieces in any order, each once complete', () => {
    const done: [number, number[], number[]][] = [];
    const before = tf.memory().numTensors;
    const assembler = new FlatAssembler(
      [0, 4, 6],
      [[2, 2], [2], [3]],
      (i) => i !== 1,
      (i, value) => {
        done.push([i, value.shape, Array.from(value.dataSync())]);
        value.dispose();
      },
    );
    const add = (start: number, values: number[]) => {
      const t = tf.tensor1d(values);
      assembler.add(start, t);
      t.dispose();
    };
    add(5, [0, 7, 8]);
    add(0, [1, 2, 3]);
    expect(done).toEqual([]);
    add(3, [4, 0]);
    add(8, [9, 0, 0]);
    expect(done).toEqual([
      [0, [2, 2], [1, 2, 3, 4]],
      [2, [3], [7, 8, 9]],
    ]);
    assembler.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
