// AdamWUpdate and SgdUpdate (core-tensor's one-kernel-per-parameter optimizers) over
// csrc/AdamWUpdate.cu and csrc/SgdUpdate.cu. Hyperparameters arrive as attrs and go to the kernel as
// arguments: a step uploads nothing.
import { AdamWUpdate, SgdUpdate, type AdamWUpdateAttrs, type SgdUpdateAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

export const adamWUpdateConfig: tf.KernelConfig = {
  kernelName: AdamWUpdate,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { param, grad, m, v } = inputs as Record<'param' | 'grad' | 'm' | 'v', tf.TensorInfo>;
    requireFloat32(AdamWUpdate, 'param', param);
    const n = sizeOf(param);
    for (const [name, t] of Object.entries({ grad, m, v })) {
      if (sizeOf(t) !== n)
        throw new RangeError(`cuda ${AdamWUpdate}: ${name} has ${sizeOf(t)} elements, param ${n}`);
    }
    const { lr, beta1, beta2, eps, weightDecay, step } = attrs as AdamWUpdateAttrs;
    const outs = [param, m, v].map(() => backend.makeTensorInfo(param.shape, 'float32'));
    if (n === 0) return outs;
    backend.runtime
      .fn('AdamWUpdate', 'adamw_update')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        ...[param, grad, m, v, ...outs].map((t) => backend.pointer(t)),
        n,
        beta1,
        beta2,
        eps,
        1 - lr * weightDecay,
        lr / (1 - beta1 ** step),
        Math.sqrt(1 - beta2 ** step),
      ]);
    return outs;
  },
};

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
