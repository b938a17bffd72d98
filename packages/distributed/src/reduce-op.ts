/** How a collective combines the ranks' values: NCCL's ncclSum, ncclAvg, ncclMax, ncclMin. */
export type ReduceOp = 'sum' | 'avg' | 'max' | 'min';

export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'avg', 'max', 'min'];

/**
 * Combines `inputs` (one per rank, equal lengths) element by element into `out`, taking the ranks in
 * order, so every rank that receives `out` holds the same bits. Float32 inputs are summed in float32,
 * as NCCL does.
 */
export function reduceInto(
  out: Float32Array | Float64Array,
  inputs: readonly (Float32Array | Float64Array)[],
  op: ReduceOp,
): void {
  const n = out.length;
  out.set(inputs[0]!);
  for (let r = 1; r < inputs.length; r++) {
    const x = inputs[r]!;
    if (op === 'sum' || op === 'avg') for (let i = 0; i < n; i++) out[i] += x[i]!;
    else if (op === 'max') for (let i = 0; i < n; i++) out[i] = Math.max(out[i]!, x[i]!);
    else for (let i = 0; i < n; i++) out[i] = Math.min(out[i]!, x[i]!);
  }
  if (op === 'avg') {
    const w = inputs.length;
    for (let i = 0; i < n; i++) out[i] /= w;
  }
}
