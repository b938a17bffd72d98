// Cumsum along one axis (csrc/Cumsum.cu): the input is viewed as [outer, len, inner], one thread per
// line, so no transpose is needed whatever the axis.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, isIntStorage, sizeOf, BLOCK } from './launch-config.js';

export const cumsumConfig: tf.KernelConfig = {
  kernelName: tf.Cumsum,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, exclusive, reverse } = attrs as unknown as tf.CumsumAttrs;
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const int = isIntStorage(x.dtype);
    const out = backend.makeTensorInfo(x.shape, int ? 'int32' : 'float32');
    const len = x.shape[$axis]!;
    const outer = x.shape.slice(0, $axis).reduce((a, d) => a * d, 1);
    const inner = x.shape.slice($axis + 1).reduce((a, d) => a * d, 1);
    if (sizeOf(x) === 0) return out;
    backend.runtime
      .fn('Cumsum', int ? 'cumsum_i32' : 'cumsum_f32')
      .launch(backend.runtime.stream, gridFor(outer * inner), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(out),
        outer,
        len,
        inner,
        exclusive ? 1 : 0,
        reverse ? 1 : 0,
      ]);
    return out;
  },
};
