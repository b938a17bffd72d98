import { GroupedMatMul, GroupedMatMulWeightGrad } from '../kernel-names.js';
import { tf } from '../tf.js';

function checkArgs(x: tf.Tensor, weight: tf.Tensor, groupSizes: tf.Tensor, transposeWeight: boolean): void {
  const fail = (what: string) => {
    throw new Error(
      `groupedMatMul: ${what} (x [${x.shape}], weight [${weight.shape}], groupSizes [${groupSizes.shape}], transposeWeight ${transposeWeight})`,
    );
  };
  if (x.dtype !== 'float32' || weight.dtype !== 'float32') fail('x and weight must be float32');
  if (groupSizes.dtype !== 'int32') fail(`groupSizes must be int32, got ${groupSizes.dtype}`);
  if (x.rank !== 2) fail('x must be [rows, in]');
  if (weight.rank !== 3) fail(`weight must be [experts, ${transposeWeight ? 'out, in' : 'in, out'}]`);
  if (groupSizes.rank !== 1 || groupSizes.shape[0] !== weight.shape[0])
    fail('groupSizes must be [experts], one size per weight');
  if (weight.shape[transposeWeight ? 2 : 1] !== x.shape[1]) fail("the weight's input size differs from x's");
}

/**
 * Each group of rows of `x` [rows, in] times its own weight, in one kernel: the first groupSizes[0]
 * rows use weight[0], the next groupSizes[1] rows weight[1], ...; rows after the last group give 0.
 * `weight` is [E, out, in] (torch's Linear layout, y = x Wᵀ; the default) or [E, in, out] with
 * `transposeWeight` false. `groupSizes` int32 [E] may stay on the device: nothing is read back.
 * Differentiable in x and weight (a mixture of experts' projections over tokens sorted by expert).
 */
export function groupedMatMul(
  x: tf.Tensor2D,
  weight: tf.Tensor3D,
  groupSizes: tf.Tensor1D,
  transposeWeight = true,
): tf.Tensor2D {
  checkArgs(x, weight, groupSizes, transposeWeight);
  return tf.engine().runKernel(GroupedMatMul, { x, weight, groupSizes }, { transposeWeight }) as tf.Tensor2D;
}

/** Per group e, a_eᵀ b_e over its rows: [E, m, n] (GroupedMatMul's weight gradient). */
export function groupedMatMulWeightGrad(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  groupSizes: tf.Tensor1D,
): tf.Tensor3D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || groupSizes.dtype !== 'int32') {
    throw new Error(
      `groupedMatMulWeightGrad: a [${a.shape}] and b [${b.shape}] must be [rows, m] and [rows, n], groupSizes int32 (got ${groupSizes.dtype})`,
    );
  }
  return tf.engine().runKernel(GroupedMatMulWeightGrad, { a, b, groupSizes }) as tf.Tensor3D;
}

/** The same product from stock tfjs ops (reads the sizes back): a test oracle. */
export function groupedMatMulReference(
  x: tf.Tensor2D,
  weight: tf.Tensor3D,
  groupSizes: tf.Tensor1D,
  transposeWeight = true,
): tf.Tensor2D {
  checkArgs(x, weight, groupSizes, transposeWeight);
  const sizes = Array.from(groupSizes.dataSync());
  return tf.tidy(() => {
    const [rows] = x.shape;
    const out = transposeWeight ? weight.shape[1] : weight.shape[2];
    const used = sizes.reduce((a, b) => a + b, 0);
    const parts: tf.Tensor2D[] = [];
    let start = 0;
    sizes.forEach((size, e) => {
      if (size === 0) return;
      const w = tf.squeeze(tf.slice(weight, [e, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
      parts.push(tf.matMul(tf.slice(x, [start, 0], [size, -1]), w, false, transposeWeight));
      start += size;
    });
    if (used < rows) parts.push(tf.zeros([rows - used, out]));
    return parts.length === 1 ? parts[0]! : (tf.concat(parts) as tf.Tensor2D);
  });
}
