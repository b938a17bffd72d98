// Pure shape arithmetic for the copy and broadcast kernels: row-major strides, broadcast and permuted
// views, and the merging of dimensions that keeps views within csrc/common.cuh's MAX_RANK.

/** csrc/common.cuh's MAX_RANK. */
export const MAX_RANK = 6;

/** Element strides of a row-major (C-order) tensor. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/**
 * Strides that read a tensor of `inShape` as if broadcast to `outShape` (numpy rules, aligned on the
 * right): 0 where the input has no dimension or a dimension of 1.
 */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const inStrides = rowMajorStrides(inShape);
  const offset = outShape.length - inShape.length;
  if (offset < 0) throw new RangeError(`cannot broadcast [${inShape}] to the lower-rank [${outShape}]`);
  return outShape.map((dim, d) => {
    const i = d - offset;
    if (i < 0 || inShape[i] === 1) return 0;
    if (inShape[i] !== dim) throw new RangeError(`cannot broadcast [${inShape}] to [${outShape}]`);
    return inStrides[i]!;
  });
}

/** Output dimensions with one stride list per input that reads them. */
export interface MultiView {
  dims: number[];
  strides: number[][];
}

/**
 * Drops dimensions of size 1 and merges neighbours d, d+1 wherever every view reads them as one
 * (stride[d] == stride[d+1] * dims[d+1]), so a broadcast of [8192, 896] + [896] stays rank 2 and a
 * same-shape view of any rank becomes rank 1. The element order is unchanged.
 */
export function collapseDims(dims: readonly number[], strides: readonly (readonly number[])[]): MultiView {
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < dims.length; d++) {
    const dim = dims[d]!;
    if (dim === 1) continue;
    const last = outDims.length - 1;
    const mergeable = last >= 0 && strides.every((s, v) => outStrides[v]![last] === s[d]! * dim);
    if (mergeable) {
      outDims[last] = outDims[last]! * dim;
      strides.forEach((s, v) => (outStrides[v]![last] = s[d]!));
    } else {
      outDims.push(dim);
      strides.forEach((s, v) => outStrides[v]!.push(s[d]!));
    }
  }
  if (outDims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims: outDims, strides: outStrides };
}

/**
 * The int64 fields of csrc/common.cuh's StridedView: rank, base, dims[MAX_RANK], strides[MAX_RANK].
 * Throws when the view needs more than MAX_RANK dimensions even after collapsing.
 */
export function stridedViewFields(dims: readonly number[], strides: readonly number[], base = 0): number[] {
  if (dims.length > MAX_RANK) {
    throw new RangeError(
      `cuda backend: a view of rank ${dims.length} exceeds the kernels' limit of ${MAX_RANK}`,
    );
  }
  const fields = new Array<number>(2 + 2 * MAX_RANK).fill(0);
  fields[0] = dims.length;
  fields[1] = base;
  dims.forEach((dim, d) => {
    fields[2 + d] = dim;
    fields[2 + MAX_RANK + d] = strides[d]!;
  });
  // Unused dimensions: size 1 so that the kernel's div/mod by them is harmless.
  for (let d = dims.length; d < MAX_RANK; d++) fields[2 + d] = 1;
  return fields;
}

/** The number of int64 fields of a StridedView. */
export const STRIDED_VIEW_FIELDS = 2 + 2 * MAX_RANK;

/** The view that reads `shape` permuted by `perm` (Transpose). */
export function permutedView(shape: readonly number[], perm: readonly number[]): MultiView {
  const strides = rowMajorStrides(shape);
  return collapseDims(
    perm.map((p) => shape[p]!),
    [perm.map((p) => strides[p]!)],
  );
}

/**
 * An input viewed as [outer, len, inner] when the reduced `axes` (sorted) are one contiguous run;
 * null when they are not (the caller permutes first).
 */
export function reductionGeometry(
  shape: readonly number[],
  axes: readonly number[],
): { outer: number; len: number; inner: number } | null {
  const sorted = [...axes].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]! + 1) return null;
  const first = sorted[0] ?? shape.length;
  const last = sorted.at(-1) ?? shape.length - 1;
  const prod = (from: number, to: number) => shape.slice(from, to).reduce((a, b) => a * b, 1);
  return { outer: prod(0, first), len: prod(first, last + 1), inner: prod(last + 1, shape.length) };
}
