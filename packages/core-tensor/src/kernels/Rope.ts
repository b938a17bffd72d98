import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { Rope, type RopeAttrs } from '../kernel-names.js';

/** cos and sin (times the scaling) of the angles, `half` values per row; a row per position or per token. */
export interface RopeTable {
  cos: Float64Array;
  sin: Float64Array;
  half: number;
  /** Row r holds position firstPosition + r; or, when perToken, row t belongs to token t. */
  firstPosition: number;
  perToken: boolean;
}

interface CachedTable {
  invFreq: number[];
  scaling: number;
  lastPosition: number;
  table: RopeTable;
}

// Every layer's forward and backward rotates the same positions: keep the last table built.
let cached: CachedTable | null = null;
const MAX_CACHED_ENTRIES = 1 << 21;

function sameValues(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fillRow(table: RopeTable, row: number, position: number, invFreq: number[], scaling: number): void {
  const half = table.half;
  for (let i = 0; i < half; i++) {
    // HF forms the angle as a float32 product of float32 values (inv_freq @ position_ids); match it.
    const angle = Math.fround(position * Math.fround(invFreq[i]!));
    table.cos[row * half + i] = Math.cos(angle) * scaling;
    table.sin[row * half + i] = Math.sin(angle) * scaling;
  }
}

function newTable(rows: number, half: number, firstPosition: number, perToken: boolean): RopeTable {
  const cos = new Float64Array(rows * half);
  const sin = new Float64Array(rows * half);
  return { cos, sin, half, firstPosition, perToken };
}

/**
 * The cos/sin table for these positions: one row per distinct position in [min, max] when that range
 * is no longer than the token count (the usual case: batches repeat 0..S-1), else one row per token.
 */
export function ropeTable(positions: Int32Array, invFreq: number[], scaling: number): RopeTable {
  const half = invFreq.length;
  let min = Infinity;
  let max = -Infinity;
  for (let t = 0; t < positions.length; t++) {
    const p = positions[t]!;
    if (p < min) min = p;
    if (p > max) max = p;
  }
  const range = max - min + 1;
  if (!(range <= positions.length)) {
    const table = newTable(positions.length, half, 0, true);
    for (let t = 0; t < positions.length; t++) fillRow(table, t, positions[t]!, invFreq, scaling);
    return table;
  }
  const c = cached;
  if (
    c != null &&
    c.scaling === scaling &&
    c.table.firstPosition <= min &&
    c.lastPosition >= max &&
    sameValues(c.invFreq, invFreq)
  ) {
    return c.table;
  }
  const table = newTable(range, half, min, false);
  for (let r = 0; r < range; r++) fillRow(table, r, min + r, invFreq, scaling);
  if (range * half <= MAX_CACHED_ENTRIES)
    cached = { invFreq: invFreq.slice(), scaling, lastPosition: max, table };
  return table;
}

/**
 * Rotates every head of x ([T, width], width a multiple of headDim) by its token's angles; `direction`
 * -1 rotates by minus the angle, which is the transpose (the rotation is orthogonal), for backward.
 */
export function rotateHeads(
  x: Float32Array,
  width: number,
  headDim: number,
  positions: Int32Array,
  table: RopeTable,
  direction: 1 | -1,
): Float32Array {
  const { cos, sin, half, firstPosition, perToken } = table;
  const out = 2 * half < headDim ? x.slice() : new Float32Array(x.length);
  for (let t = 0; t < positions.length; t++) {
    const row = (perToken ? t : positions[t]! - firstPosition) * half;
    const end = (t + 1) * width;
    for (let h = t * width; h < end; h += headDim) {
      for (let i = 0; i < half; i++) {
        const c = cos[row + i]!;
        const s = direction * sin[row + i]!;
        const a = x[h + i]!;
        const b = x[h + half + i]!;
        out[h + i] = a * c - b * s;
        out[h + half + i] = b * c + a * s;
      }
    }
  }
  return out;
}

export const ropeHostKernel: HostKernelImpl = ({ q, k, positions }, attrs) => {
  const { headDim, invFreq, attentionScaling } = attrs as RopeAttrs;
  const pos = positions!.values as Int32Array;
  const table = ropeTable(pos, invFreq, attentionScaling);
  const qWidth = q!.shape[1]!;
  const kWidth = k!.shape[1]!;
  return [
    { values: rotateHeads(q!.values as Float32Array, qWidth, headDim, pos, table, 1), shape: q!.shape },
    { values: rotateHeads(k!.values as Float32Array, kWidth, headDim, pos, table, 1), shape: k!.shape },
  ];
};

export const ropeConfig: HostKernelConfig = { kernelName: Rope, kernelFunc: hostKernelFunc(ropeHostKernel) };
