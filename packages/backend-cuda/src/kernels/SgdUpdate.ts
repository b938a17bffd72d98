// SgdUpdate (core-tensor's one-kernel-per-parameter SGD) over csrc/SgdUpdate.cu; hyperparameters as
// kernel arguments.
import { SgdUpdate, type SgdUpdateAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

export const sgdUpdateConfig: tf.KernelConfig = {
  kernelName: SgdUpdate,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { param, grad, buf } = inputs as { param: tf.TensorInfo; grad: tf.TensorInfo; buf?: tf.TensorInfo };
    requireFloat32(SgdUpdate, 'param', param);
    const { lr, momentum, dampening, weightDecay, nesterov } = attrs as SgdUpdateAttrs;
    const n = sizeOf(param);
    const paramOut = backend.makeTensorInfo(param.shape, 'float32');
    const bufOut = momentum !== 0 ? backend.makeTensorInfo(param.shape, 'float32') : null;
    if (n > 0) {
      backend.runtime
        .fn('SgdUpdate', 'sgd_update')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(param),
          backend.pointer(grad),
          buf != null ? backend.pointer(buf) : 0,
          backend.pointer(paramOut),
          bufOut !== null ? backend.pointer(bufOut) : 0,
          n,
          lr,
          momentum,
          dampening,
          weightDecay,
          nesterov ? 1 : 0,
        ]);
    }
    return bufOut !== null ? [paramOut, bufOut] : [paramOut];
  },
};
