import type { MatMulGeometry } from './matmul-geometry.js';

// Float32 matrix multiply in plain JS, for the cpu backend (tfjs's own cpu matMul: 0.2-0.4 GFLOP/s).
// Both operands are first packed into panels of 4 rows that interleave along the shared dimension, so the
// 4x4 micro-kernel reads two contiguous streams and keeps 16 sums in registers (float64, so a k-block is
// summed more exactly than float32 would). Transposed operands cost nothing extra: packing absorbs them.
// Products with fewer than 4 rows skip the packing (see fewRows).

/** Rows per panel, and the micro-kernel's tile edge. */
const PANEL = 4;
/** Shared-dimension block: a 4-row panel slice of this depth stays in L1 while it meets every B panel. */
const DEPTH_BLOCK = 256;

/**
 * All output matrices of a BatchMatMul (geometry from `matMulGeometry`), row-major, batch after batch.
 * `a` holds aBatches matrices stored [m, k] (or [k, m] when transposeA), `b` holds bBatches stored [k, n]
 * (or [n, k]). A broadcast operand is packed once and reused.
 */
export function batchMatMulF32(
  a: Float32Array,
  b: Float32Array,
  g: MatMulGeometry,
  transposeA: boolean,
  transposeB: boolean,
): Float32Array {
  const { m, k, n, batch } = g;
  const out = new Float32Array(batch * m * n);
  if (out.length === 0 || k === 0) return out;
  if (m < PANEL) {
    for (let t = 0; t < batch; t++) {
      fewRows(
        a,
        g.aIndex[t] * m * k,
        b,
        g.bIndex[t] * k * n,
        out,
        t * m * n,
        m,
        k,
        n,
        transposeA,
        transposeB,
      );
    }
    return out;
  }
  const ap = new Float32Array(Math.ceil(m / PANEL) * PANEL * k);
  const bp = new Float32Array(Math.ceil(n / PANEL) * PANEL * k);
  let packedA = -1;
  let packedB = -1;
  for (let t = 0; t < batch; t++) {
    const ai = g.aIndex[t];
    const bi = g.bIndex[t];
    if (ai !== packedA) {
      packPanels(a, ai * m * k, m, k, transposeA ? 1 : k, transposeA ? m : 1, ap);
      packedA = ai;
    }
    if (bi !== packedB) {
      packPanels(b, bi * k * n, n, k, transposeB ? k : 1, transposeB ? 1 : n, bp);
      packedB = bi;
    }
    matMulPanels(ap, bp, out, t * m * n, m, n, k);
  }
  return out;
}

/**
 * Fewer than 4 rows (token-by-token generation): packing B would cost more than the product, so read the
 * operands where they are. Both loops below walk B contiguously; sums are float64.
 */
function fewRows(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  c: Float32Array,
  cOffset: number,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
): void {
  const aRow = new Float64Array(k);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) aRow[p] = a[aOffset + (transposeA ? p * m + i : i * k + p)];
    if (transposeB) {
      // B stored [n, k]: one dot product per output column.
      for (let j = 0; j < n; j++) {
        let s = 0;
        const bo = bOffset + j * k;
        for (let p = 0; p < k; p++) s += aRow[p] * b[bo + p];
        row[j] = s;
      }
    } else {
      // B stored [k, n]: add a[i, p] times row p of B.
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const x = aRow[p];
        const bo = bOffset + p * n;
        for (let j = 0; j < n; j++) row[j] += x * b[bo + j];
      }
    }
    c.set(row, cOffset + i * n);
  }
}

/**
 * Packs a rows x depth matrix, element (r, p) at `src[offset + r * rowStride + p * depthStride]`, into
 * panels: `out[((r >> 2) * depth + p) * 4 + (r & 3)]`. Rows past `rows` in the last panel are zero.
 * A [m, k] is packed with (rowStride k, depthStride 1); its transpose, stored [k, m], with (1, m).
 * B [k, n] is packed as Bᵀ: rows n, (rowStride 1, depthStride n); stored transposed [n, k]: (k, 1).
 */
export function packPanels(
  src: Float32Array,
  offset: number,
  rows: number,
  depth: number,
  rowStride: number,
  depthStride: number,
  out: Float32Array = new Float32Array(Math.ceil(rows / PANEL) * PANEL * depth),
): Float32Array {
  if (depthStride === 1) {
    for (let r = 0; r < rows; r++) {
      const dst = (r >> 2) * depth * PANEL + (r & 3);
      const s = offset + r * rowStride;
      for (let p = 0; p < depth; p++) out[dst + p * PANEL] = src[s + p];
    }
  } else {
    // Walk the source in storage order (rows contiguous along r) for cache-friendly reads.
    for (let p = 0; p < depth; p++) {
      const s = offset + p * depthStride;
      for (let r = 0; r < rows; r++) out[((r >> 2) * depth + p) * PANEL + (r & 3)] = src[s + r * rowStride];
    }
  }
  return out;
}

/**
 * c[cOffset + i * n + j] += sum_p A[i, p] * B[p, j], with A and B packed by `packPanels`
 * (A as m rows, B as n rows of Bᵀ, both of the given depth k). `c` must hold the initial values (zeros).
 */
export function matMulPanels(
  ap: Float32Array,
  bp: Float32Array,
  c: Float32Array,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  const aPanels = Math.ceil(m / PANEL);
  const bPanels = Math.ceil(n / PANEL);
  for (let k0 = 0; k0 < k; k0 += DEPTH_BLOCK) {
    const k1 = Math.min(k0 + DEPTH_BLOCK, k);
    for (let ip = 0; ip < aPanels; ip++) {
      const i = ip * PANEL;
      const fullRows = i + PANEL <= m;
      for (let jp = 0; jp < bPanels; jp++) {
        const j = jp * PANEL;
        if (fullRows && j + PANEL <= n) {
          tile4x4(ap, (ip * k + k0) * PANEL, bp, (jp * k + k0) * PANEL, k1 - k0, c, cOffset + i * n + j, n);
        } else {
          tileEdge(ap, bp, ip, jp, k, k0, k1, c, cOffset, m, n);
        }
      }
    }
  }
}

/** The hot loop: one 4x4 tile of C over `len` steps of the shared dimension. */
// prettier-ignore
function tile4x4(
  ap: Float32Array, ao: number, bp: Float32Array, bo: number, len: number, c: Float32Array, co: number, n: number,
): void {
  let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  const end = ao + len * PANEL;
  for (; ao < end; ao += PANEL, bo += PANEL) {
    const x0 = ap[ao], x1 = ap[ao + 1], x2 = ap[ao + 2], x3 = ap[ao + 3];
    const y0 = bp[bo], y1 = bp[bo + 1], y2 = bp[bo + 2], y3 = bp[bo + 3];
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
    s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
    s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
  }
  c[co] += s00; c[co + 1] += s01; c[co + 2] += s02; c[co + 3] += s03; co += n;
  c[co] += s10; c[co + 1] += s11; c[co + 2] += s12; c[co + 3] += s13; co += n;
  c[co] += s20; c[co + 1] += s21; c[co + 2] += s22; c[co + 3] += s23; co += n;
  c[co] += s30; c[co + 1] += s31; c[co + 2] += s32; c[co + 3] += s33;
}

/** A partial tile at the bottom or right edge: one dot product per existing (row, column). */
function tileEdge(
  ap: Float32Array,
  bp: Float32Array,
  ip: number,
  jp: number,
  k: number,
  k0: number,
  k1: number,
  c: Float32Array,
  cOffset: number,
  m: number,
  n: number,
): void {
  const rows = Math.min(PANEL, m - ip * PANEL);
  const cols = Math.min(PANEL, n - jp * PANEL);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      let s = 0;
      let ao = (ip * k + k0) * PANEL + r;
      let bo = (jp * k + k0) * PANEL + q;
      for (let p = k0; p < k1; p++, ao += PANEL, bo += PANEL) s += ap[ao] * bp[bo];
      c[cOffset + (ip * PANEL + r) * n + jp * PANEL + q] += s;
    }
  }
}
