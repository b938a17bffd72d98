import { describe, expect, it } from 'vitest';
import { Pcg64 } from '../random/pcg64.js';
import { collatePacked, packedCausalMask } from './collate-packed.js';
import { packSequences } from './pack-sequences.js';

const sample = (n: number, start = 1) => ({
  inputIds: Array.from({ length: n }, (_, i) => start + i),
  labels: Array.from({ length: n }, (_, i) => (i < n / 2 ? -100 : start + i)),
});

describe('packSequences', () => {
  it('restarts positions, numbers segments and masks the first label of each sample', () => {
    const [row] = packSequences([sample(3, 10), sample(2, 20)], { maxLength: 8, strategy: 'sequential' });
    expect(Array.from(row!.inputIds)).toEqual([10, 11, 12, 20, 21]);
    expect(Array.from(row!.positionIds)).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(row!.segmentIds)).toEqual([1, 1, 1, 2, 2]);
    expect(Array.from(row!.labels)).toEqual([-100, -100, 12, -100, 21]);
    expect(row!.members).toEqual([0, 1]);
  });

  it('best-fit decreasing puts every sample in exactly one row and never overfills', () => {
    const rng = new Pcg64(3);
    const lengths = Array.from({ length: 300 }, () => 1 + rng.interval(99));
    const samples = lengths.map((n) => sample(n));
    const rows = packSequences(samples, { maxLength: 128 });
    const members = rows.flatMap((r) => r.members).sort((a, b) => a - b);
    expect(members).toEqual(lengths.map((_, i) => i));
    for (const row of rows) expect(row.inputIds.length).toBeLessThanOrEqual(128);
    const total = lengths.reduce((a, b) => a + b, 0);
    // BFD is within 11/9 OPT + 1 rows; ceil(total / capacity) bounds OPT from below.
    expect(rows.length).toBeLessThanOrEqual(Math.ceil((11 / 9) * Math.ceil(total / 128)) + 1);
    const sequential = packSequences(samples, { maxLength: 128, strategy: 'sequential' });
    expect(rows.length).toBeLessThanOrEqual(sequential.length);
  });

  it('rejects a sample longer than a row', () => {
    expect(() => packSequences([sample(5)], { maxLength: 4 })).toThrow(
      /sample 0 has 5 tokens, more than maxLength 4/,
    );
  });
});

describe('collatePacked', () => {
  it('pads rows with segment 0 and builds the block-diagonal causal mask', () => {
    const rows = packSequences([sample(2), sample(1), sample(2)], { maxLength: 3, strategy: 'sequential' });
    const batch = collatePacked(rows, { padTokenId: 0 });
    expect([batch.batchSize, batch.seqLength]).toEqual([2, 3]);
    expect(Array.from(batch.segmentIds!)).toEqual([1, 1, 2, 1, 1, 0]);
    expect(Array.from(batch.attentionMask)).toEqual([1, 1, 1, 1, 1, 0]);
    const mask = packedCausalMask(batch);
    // Row 0: tokens 0,1 are sample 1, token 2 is sample 2 (sees only itself).
    expect(Array.from(mask.slice(0, 9))).toEqual([1, 0, 0, 1, 1, 0, 0, 0, 1]);
    // Row 1: padding (token 2) sees nothing.
    expect(Array.from(mask.slice(9, 18))).toEqual([1, 0, 0, 1, 1, 0, 0, 0, 0]);
  });
});
