import { describe, expect, it } from 'vitest';
import { alignmentOf, parseMatmulPrecision } from './matmul-plans.js';

describe('parseMatmulPrecision', () => {
  it('defaults to bf16 and accepts the three precisions', () => {
    expect(parseMatmulPrecision(undefined)).toBe('bf16');
    expect(parseMatmulPrecision('')).toBe('bf16');
    for (const p of ['fp32', 'tf32', 'bf16']) expect(parseMatmulPrecision(p)).toBe(p);
  });

  it('names the source and the accepted values on a bad one', () => {
    expect(() => parseMatmulPrecision('BF16', '--matmul')).toThrow(
      "--matmul: expected one of fp32, tf32, bf16, got 'BF16'",
    );
  });
});

describe('alignmentOf', () => {
  it('is the largest power of two up to 256 dividing the byte count, at least 4', () => {
    expect(alignmentOf(4096)).toBe(256);
    expect(alignmentOf(2 * 96 * 70)).toBe(128); // a bf16 [70, 96] matrix: 13440 bytes
    expect(alignmentOf(4 * 37 * 3)).toBe(4); // fp32: 4-byte elements at least
    expect(alignmentOf(2 * 37 * 3, 2)).toBe(2); // bf16 with an odd element count: 2
  });
});
