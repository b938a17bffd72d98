// GatherV2 (tf.gather, the embedding lookup) and UnsortedSegmentSum (its gradient), over
// csrc/GatherV2.cu and csrc/UnsortedSegmentSum.cu.
import { tf } from '@medgpt/core-tensor';
import { filled } from './Fill.js';
import { cudaBackend, gridFor, isIntStorage, sizeOf, BLOCK } from './launch-config.js';

const product = (dims: number[]) => dims.reduce((a, d) => a * d, 1);

export const gatherV2Config: tf.KernelConfig = {
  kernelName: 'GatherV2',
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
    if ((batchDims ?? 0) !== 0)
      throw new RangeError(`cuda GatherV2: batchDims ${batchDims} is not supported (0 is)`);
    if (indices.dtype !== 'int32')
      throw new TypeError(`cuda GatherV2: indices are ${indices.dtype}; expected int32`);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const shape = [...x.shape.slice(0, $axis), ...indices.shape, ...x.shape.slice($axis + 1)];
    const out = backend.makeTensorInfo(shape, x.dtype);
    const n = sizeOf(out);
    if (n === 0) return out;
    const outer = product(x.shape.slice(0, $axis));
    const inner = product(x.shape.slice($axis + 1));
    backend.runtime
      .fn('GatherV2', 'gather_u32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(indices),
        backend.pointer(out),
        outer,
        x.shape[$axis]!,
        sizeOf(indices),
        inner,
      ]);
    return out;
  },
};

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
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
    const inner = product(x.shape.slice(idRank));
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
