// RmsNormGrad (the backward of RmsNorm) over the same CUDA source; see RmsNorm.ts.
import { RmsNormGrad, type RmsNormAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, rowGrid, sizeOf } from './launch-config.js';
import { columnSumPlan, COLUMN_BLOCK } from './reduce-op.js';
import { withScratch } from './scratch.js';
import { Inputs, rowBlock } from './RmsNorm.js';

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
