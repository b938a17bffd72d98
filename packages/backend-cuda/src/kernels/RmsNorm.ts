// RmsNorm and RmsNormGrad (core-tensor's fused op) over csrc/RmsNorm.cu: one block per row (x and dx),
// and the weight gradient as a two-pass column sum (Reduce.ts's columnSumPlan).
import { RmsNorm, RmsNormGrad, type RmsNormAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, requireFloat32, rowGrid, sizeOf } from './launch-config.js';
import { columnSumPlan, COLUMN_BLOCK } from './Reduce.js';
import { withScratch } from './scratch.js';

type Inputs = { x: tf.TensorInfo; weight: tf.TensorInfo; dy?: tf.TensorInfo };

/**
 * Threads per row for the one-block-per-row kernels: about 8 elements each, 64 to 256. Small blocks
 * keep more rows in flight per SM: for [8192, 896] (128 threads) the forward took 30 us on an H200 and
 * the whole backward 65 us, against 34 and 71 us with 256 threads.
 */
function rowBlock(width: number): number {
  let threads = 64;
  while (threads < 256 && threads * 8 < width) threads *= 2;
  return threads;
}

export const rmsNormConfig: tf.KernelConfig = {
  kernelName: RmsNorm,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x, weight } = inputs as Inputs;
    requireFloat32(RmsNorm, 'x', x);
    const width = sizeOf(weight);
    const rows = sizeOf(x) / width;
    const y = backend.makeTensorInfo(x.shape, 'float32');
    if (width === 0 || rows === 0) return y;
    backend.runtime
      .fn('RmsNorm', 'rms_norm_forward')
      .launch(backend.runtime.stream, rowGrid(rows), rowBlock(width), 0, [
        backend.pointer(x),
        backend.pointer(weight),
        backend.pointer(y),
        rows,
        width,
        (attrs as RmsNormAttrs).eps,
      ]);
    return y;
  },
};

export const rmsNormGradConfig: tf.KernelConfig = {
  kernelName: RmsNormGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { dy, x, weight } = inputs as Required<Inputs>;
    const width = sizeOf(weight);
    const rows = sizeOf(x) / width;
    const dx = backend.makeTensorInfo(x.shape, 'float32');
    const dw = backend.makeTensorInfo(weight.shape, 'float32');
    const runtime = backend.runtime;
    if (width === 0) return [dx, dw];
    if (rows === 0) {
      runtime.fill32(backend.pointer(dw), 0, width, 'RmsNormGrad');
      return [dx, dw];
    }
    // 1/rms per row, computed by the dx pass and reused by the dw pass.
    withScratch(backend, 8 * rows, 'RmsNormGrad row statistics', (invRms) => {
      runtime
        .fn('RmsNorm', 'rms_norm_backward_dx')
        .launch(runtime.stream, rowGrid(rows), rowBlock(width), 0, [
          backend.pointer(dy),
          backend.pointer(x),
          backend.pointer(weight),
          backend.pointer(dx),
          invRms,
          rows,
          width,
          (attrs as RmsNormAttrs).eps,
        ]);
      // dw: column sums over the rows in two passes, partial sums per chunk of rows in double.
      const cp = columnSumPlan(1, rows, width);
      withScratch(backend, 8 * cp.chunks * width, 'RmsNormGrad weight-gradient partial sums', (partial) => {
        runtime
          .fn('RmsNorm', 'rms_norm_backward_dw_partial')
          .launch(runtime.stream, [cp.colTiles, cp.chunks, 1], COLUMN_BLOCK, 0, [
            backend.pointer(dy),
            backend.pointer(x),
            invRms,
            partial,
            rows,
            width,
            cp.tile,
            cp.chunkRows,
          ]);
        runtime
          .fn('RmsNorm', 'rms_norm_backward_dw_finish')
          .launch(runtime.stream, cp.colTiles, COLUMN_BLOCK, 0, [
            partial,
            backend.pointer(dw),
            cp.chunks,
            width,
            cp.tile,
          ]);
      });
    });
    return [dx, dw];
  },
};
