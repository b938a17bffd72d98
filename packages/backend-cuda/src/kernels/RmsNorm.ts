// RmsNorm and RmsNormGrad (core-tensor's fused op) over csrc/RmsNorm.cu: one block per row.
import { RmsNorm, RmsNormGrad, type RmsNormAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, requireFloat32, rowGrid, sizeOf, BLOCK } from './launch-config.js';
import { withScratch } from './scratch.js';

type Inputs = { x: tf.TensorInfo; weight: tf.TensorInfo; dy?: tf.TensorInfo };

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
    if (rows === 0) return y;
    backend.runtime
      .fn('RmsNorm', 'rms_norm_forward')
      .launch(backend.runtime.stream, rowGrid(rows), BLOCK, 0, [
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
    if (rows === 0) {
      runtime.fill32(backend.pointer(dw), 0, width, 'RmsNormGrad');
      return [dx, dw];
    }
    // 1/rms per row, computed by the dx pass and reused by the dw pass.
    withScratch(backend, 8 * rows, 'RmsNormGrad row statistics', (invRms) => {
      runtime
        .fn('RmsNorm', 'rms_norm_backward_dx')
        .launch(runtime.stream, rowGrid(rows), BLOCK, 0, [
          backend.pointer(dy),
          backend.pointer(x),
          backend.pointer(weight),
          backend.pointer(dx),
          invRms,
          rows,
          width,
          (attrs as RmsNormAttrs).eps,
        ]);
      runtime
        .fn('RmsNorm', 'rms_norm_backward_dw')
        .launch(runtime.stream, gridFor(width, 128), 128, 0, [
          backend.pointer(dy),
          backend.pointer(x),
          invRms,
          backend.pointer(dw),
          rows,
          width,
        ]);
    });
    return [dx, dw];
  },
};
