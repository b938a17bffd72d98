import { describe, expect, it } from 'vitest';
import { Pcg64 } from '../random/pcg64.js';
import { lengthGroupedOrder } from './length-grouped-order.js';
import { ResumableBatchIterator } from './resumable-batch-iterator.js';

const items = Array.from({ length: 23 }, (_, i) => `item${i}`);

describe('ResumableBatchIterator', () => {
  it('visits every item once per epoch, in a new order each epoch', () => {
    const it = new ResumableBatchIterator(items, { batchSize: 5, seed: 1 });
    expect(it.batchesPerEpoch).toBe(5);
    const epochs = [0, 1].map(() => Array.from({ length: 5 }, () => it.next()).flatMap((b) => b.indices));
    for (const order of epochs) expect([...order].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(it.next()).toMatchObject({ epoch: 2, batchIndex: 0 });
  });

  it('restored from a saved state, continues with the same batches (across an epoch boundary)', () => {
    const original = new ResumableBatchIterator(items, { batchSize: 4, seed: 9, dropLast: true });
    for (let i = 0; i < 7; i++) original.next();
    const saved = JSON.parse(JSON.stringify(original.state()));
    const expected = Array.from({ length: 12 }, () => original.next());
    const resumed = new ResumableBatchIterator(items, { batchSize: 4, seed: 9, dropLast: true }, saved);
    expect(Array.from({ length: 12 }, () => resumed.next())).toEqual(expected);
  });

  it('refuses a state from another dataset or batch size', () => {
    const state = new ResumableBatchIterator(items, { batchSize: 4, seed: 0 }).state();
    expect(() => new ResumableBatchIterator(items.slice(1), { batchSize: 4, seed: 0 }, state)).toThrow(
      /had 23 items in batches of 4, this one has 22/,
    );
  });

  it('length-grouped order keeps lengths together and puts the longest first', () => {
    const rng = new Pcg64(5);
    const lengths = Array.from({ length: 400 }, () => 1 + rng.interval(500));
    const order = lengthGroupedOrder(lengths, 4, new Pcg64(11));
    expect([...order].sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    expect(lengths[order[0]!]).toBe(Math.max(...lengths));
    const spread = (o: number[]) => {
      let waste = 0;
      for (let i = 0; i < o.length; i += 4) {
        const batch = o.slice(i, i + 4).map((j) => lengths[j]!);
        waste += batch.length * Math.max(...batch) - batch.reduce((a, b) => a + b, 0);
      }
      return waste;
    };
    const random = Array.from({ length: 400 }, (_, i) => i);
    expect(spread(order)).toBeLessThan(spread(random) / 4);
    const grouped = new ResumableBatchIterator(lengths, {
      batchSize: 4,
      seed: 11,
      order: 'length-grouped',
      lengths,
    });
    expect(grouped.next().indices).toEqual(order.slice(0, 4));
  });
});
