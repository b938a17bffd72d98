// UnsortedSegmentSum (the gradient of tf.gather: embedding rows summed by token id) over
// csrc/UnsortedSegmentSum.cu: atomics into a zeroed output.
import { tf } from '@medgpt/core-tensor';
import { filled } from './Fill.js';
import { cudaBackend, gridFor, isIntStorage, sizeOf, BLOCK } from './launch-config.js';

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const idRank = segmentIds.shape.length;
    if (!tf.util.arraysEqual(x.shape.slice(0, idRank), segmentIds.shape)) {
      throw new RangeError(
        `cuda UnsortedSegmentSum: segmentIds [${segmentIds.shape}] do not lead x [${x.shape}]`,
      );
    }
    const int = isIntStorage(x.dtype);
    const shape = [numSegments, ...x.shape.slice(idRank)];
    const out = filled(backend, shape, int ? 'int32' : 'float32', 0);
    const rows = sizeOf(segmentIds);
    const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
    if (rows * inner === 0) return out;
    backend.runtime
      .fn('UnsortedSegmentSum', int ? 'segment_sum_i32' : 'segment_sum_f32')
      .launch(backend.runtime.stream, gridFor(rows * inner), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(segmentIds),
        backend.pointer(out),
        rows,
        inner,
        numSegments,
      ]);
    return out;
  },
};
