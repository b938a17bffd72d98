// Per-row helpers shared by the CrossEntropy and TokenLogprobs host kernels: one logits row at a time,
// so no second [N, V] buffer is ever needed.

/** log(sum(exp(x[offset .. offset + width)))), max-shifted and summed in float64. */
export function rowLogSumExp(x: Float32Array, offset: number, width: number): number {
  let max = -Infinity;
  for (let j = 0; j < width; j++) {
    const v = x[offset + j]!;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let j = 0; j < width; j++) sum += Math.exp(x[offset + j]! - max);
  return max + Math.log(sum);
}

/**
 * Returns label `row` as a class index, or -1 when it equals `ignoreIndex`. Any other label outside
 * [0, vocab) is an error (torch raises too), named after `op`.
 */
export function classAt(
  op: string,
  labels: Int32Array,
  row: number,
  vocab: number,
  ignoreIndex: number,
): number {
  const label = labels[row]!;
  if (label === ignoreIndex) return -1;
  if (label < 0 || label >= vocab) {
    throw new Error(
      `${op}: label ${label} at row ${row} is outside [0, ${vocab}) and is not ignoreIndex (${ignoreIndex})`,
    );
  }
  return label;
}

/** Writes scale * (softmax(x row) - onehot(label)) into `out` at the same offset. */
export function softmaxMinusOneHot(
  x: Float32Array,
  offset: number,
  width: number,
  label: number,
  scale: number,
  out: Float32Array,
): void {
  let max = -Infinity;
  for (let j = 0; j < width; j++) {
    const v = x[offset + j]!;
    if (v > max) max = v;
  }
  // exp() once per element: park it in `out`, then scale in place.
  let sum = 0;
  for (let j = 0; j < width; j++) {
    const e = Math.exp(x[offset + j]! - max);
    out[offset + j] = e;
    sum += e;
  }
  const factor = scale / sum;
  for (let j = 0; j < width; j++) out[offset + j] *= factor;
  out[offset + label] -= scale;
}
