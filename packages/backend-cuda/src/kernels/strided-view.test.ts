import { describe, expect, it } from 'vitest';
import {
  broadcastStrides,
  collapseDims,
  MAX_RANK,
  permutedView,
  reductionGeometry,
  rowMajorStrides,
  stridedViewFields,
  STRIDED_VIEW_FIELDS,
} from './strided-view.js';

/** Reads a view the way csrc/common.cuh's strided_offset does. */
function offsets(dims: number[], strides: number[], base = 0): number[] {
  const n = dims.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => {
    let rest = i;
    let offset = base;
    for (let d = dims.length - 1; d >= 0; d--) {
      offset += (rest % dims[d]!) * strides[d]!;
      rest = Math.floor(rest / dims[d]!);
    }
    return offset;
  });
}

describe('strided views', () => {
  it('computes row-major strides', () => {
    expect(rowMajorStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(rowMajorStrides([])).toEqual([]);
  });

  it('broadcasts with zero strides, aligned on the right', () => {
    expect(broadcastStrides([3, 1], [2, 3, 5])).toEqual([0, 1, 0]);
    expect(broadcastStrides([5], [4, 5])).toEqual([0, 1]);
    expect(broadcastStrides([], [2, 2])).toEqual([0, 0]);
    expect(() => broadcastStrides([3], [4])).toThrow(/cannot broadcast/);
  });

  it('merges dimensions without changing the element order', () => {
    const shape = [4, 1, 3, 5];
    const strides = [broadcastStrides([4, 1, 3, 5], shape), broadcastStrides([3, 5], shape)];
    const view = collapseDims(shape, strides);
    expect(view.dims).toEqual([4, 15]);
    expect(view.strides).toEqual([
      [15, 1],
      [0, 1],
    ]);
    for (let v = 0; v < strides.length; v++) {
      expect(offsets(view.dims, view.strides[v]!)).toEqual(offsets(shape, strides[v]!));
    }
  });

  it('collapses a same-shape view of any rank to one dimension, and a scalar to [1]', () => {
    expect(collapseDims([2, 3, 4, 5, 6, 7, 8], [rowMajorStrides([2, 3, 4, 5, 6, 7, 8])]).dims).toEqual([
      40320,
    ]);
    expect(collapseDims([], [[]])).toEqual({ dims: [1], strides: [[0]] });
  });

  it('reads a transpose through permuted strides', () => {
    const view = permutedView([2, 3, 4], [2, 0, 1]);
    // out[k][i][j] = in[i][j][k]
    const expected: number[] = [];
    for (let k = 0; k < 4; k++)
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expected.push(i * 12 + j * 4 + k);
    expect(offsets(view.dims, view.strides[0]!)).toEqual(expected);
  });

  it('lays out the StridedView struct as rank, base, dims, strides (unused dims are 1)', () => {
    const fields = stridedViewFields([3, 4], [4, 1], 7);
    expect(fields).toHaveLength(STRIDED_VIEW_FIELDS);
    expect(fields.slice(0, 2)).toEqual([2, 7]);
    expect(fields.slice(2, 2 + MAX_RANK)).toEqual([3, 4, 1, 1, 1, 1]);
    expect(fields.slice(2 + MAX_RANK)).toEqual([4, 1, 0, 0, 0, 0]);
    expect(() => stridedViewFields([1, 2, 3, 4, 5, 6, 7], [1, 1, 1, 1, 1, 1, 1])).toThrow(/exceeds/);
  });

  it('views contiguous reduced axes as [outer, len, inner] and refuses split ones', () => {
    expect(reductionGeometry([2, 3, 4, 5], [1, 2])).toEqual({ outer: 2, len: 12, inner: 5 });
    expect(reductionGeometry([8192, 896], [0])).toEqual({ outer: 1, len: 8192, inner: 896 });
    expect(reductionGeometry([3, 4], [])).toEqual({ outer: 12, len: 1, inner: 1 });
    expect(reductionGeometry([2, 3, 4], [0, 2])).toBeNull();
  });
});
