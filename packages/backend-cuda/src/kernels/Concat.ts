// Concat: each input is viewed as [outer, inner] and copied into its column range of the output viewed
// as [outer, total inner], one csrc/Copy.cu launch per input.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';

/** Writes each input's [outer, inner_i] block side by side into `out` viewed as [outer, sum inner_i]. */
export function concatInto(
  backend: CudaBackend,
  inputs: tf.TensorInfo[],
  outer: number,
  out: tf.TensorInfo,
): void {
  const total = sizeOf(out) / Math.max(outer, 1);
  let offset = 0;
  for (const input of inputs) {
    const inner = sizeOf(input) / Math.max(outer, 1);
    const n = outer * inner;
    if (n > 0) {
      backend.runtime
        .fn('Copy', 'concat_copy_u32')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(input),
          backend.pointer(out),
          outer,
          inner,
          total,
          offset,
        ]);
    }
    offset += inner;
  }
}

export function checkSameDtype(kernel: string, inputs: tf.TensorInfo[]): tf.DataType {
  const dtype = inputs[0]!.dtype;
  for (const t of inputs) {
    if (t.dtype !== dtype) throw new TypeError(`cuda ${kernel}: inputs mix ${dtype} and ${t.dtype}`);
  }
  return dtype;
}

export const concatConfig: tf.KernelConfig = {
  kernelName: tf.Concat,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const all = Object.values(inputs) as tf.TensorInfo[];
    const axis = tf.util.parseAxisParam((attrs as unknown as tf.ConcatAttrs).axis, all[0]!.shape)[0]!;
    const dtype = checkSameDtype(tf.Concat, all);
    // Empty inputs add nothing and may differ in their other dimensions (tfjs-backend-cpu drops them too).
    const nonEmpty = all.filter((t) => sizeOf(t) > 0);
    const tensors = nonEmpty.length > 0 ? nonEmpty : all;
    const shape = tf.backend_util.computeOutShape(
      tensors.map((t) => t.shape),
      axis,
    );
    const out = backend.makeTensorInfo(shape, dtype);
    const outer = shape.slice(0, axis).reduce((a, d) => a * d, 1);
    concatInto(backend, tensors, outer, out);
    return out;
  },
};
