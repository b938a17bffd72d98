import { tf } from '../tf.js';

/** Shapes of one BatchMatMul call, with each output batch mapped to the batch of `a` and `b` it reads. */
export interface MatMulGeometry {
  /** Rows of the (transposed-as-asked) left operand and of each output matrix. */
  m: number;
  /** The shared dimension. */
  k: number;
  /** Columns of the (transposed-as-asked) right operand and of each output matrix. */
  n: number;
  /** Number of output matrices (product of the broadcast batch dims). */
  batch: number;
  /** Matrices stored in `a` / `b` (product of their own batch dims). */
  aBatches: number;
  bBatches: number;
  /** For output matrix t, the index of the `a` / `b` matrix it multiplies (full numpy broadcasting). */
  aIndex: Int32Array;
  bIndex: Int32Array;
  outShape: number[];
}

/**
 * Validates a BatchMatMul's operands the way tf.matMul documents them (rank >= 2, equal inner sizes,
 * broadcastable batch dims) and maps every output matrix to its inputs. Unlike tfjs's kernels, which
 * index batches modulo their count, broadcasting is done per dimension, so [2,1] x [1,3] batches work.
 */
export function matMulGeometry(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry {
  if (aShape.length < 2 || bShape.length < 2) {
    throw new Error(`matMul expects operands of rank >= 2, got shapes [${aShape}] and [${bShape}].`);
  }
  const [aRows, aCols] = aShape.slice(-2) as [number, number];
  const [bRows, bCols] = bShape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kb = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kb) {
    throw new Error(
      `matMul: inner sizes ${k} and ${kb} differ (shapes [${aShape}] and [${bShape}], ` +
        `transposeA=${transposeA}, transposeB=${transposeB}).`,
    );
  }
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  const batch = tf.util.sizeFromShape(outOuter);
  return {
    m,
    k,
    n,
    batch,
    aBatches: tf.util.sizeFromShape(aOuter),
    bBatches: tf.util.sizeFromShape(bOuter),
    aIndex: broadcastIndex(aOuter, outOuter, batch),
    bIndex: broadcastIndex(bOuter, outOuter, batch),
    outShape: [...outOuter, m, n],
  };
}

/** For each flat index into `outShape`, the flat index into `shape` (right-aligned, size-1 dims repeat). */
function broadcastIndex(shape: number[], outShape: number[], size: number): Int32Array {
  const index = new Int32Array(size);
  const lead = outShape.length - shape.length;
  const strides = tf.util.computeStrides(shape);
  for (let t = 0; t < size; t++) {
    let rest = t;
    let src = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const coord = rest % outShape[d];
      rest = (rest - coord) / outShape[d];
      const sd = d - lead;
      if (sd >= 0 && shape[sd] !== 1) src += coord * (sd === shape.length - 1 ? 1 : strides[sd]);
    }
    index[t] = src;
  }
  return index;
}
