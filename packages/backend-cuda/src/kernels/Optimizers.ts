// AdamWUpdate and SgdUpdate (core-tensor's one-kernel-per-parameter optimizers) over
// csrc/AdamWUpdate.cu and csrc/SgdUpdate.cu. Hyperparameters arrive as attrs and go to the kernel as
// arguments: a step uploads nothing.
import {
  AdamWUpdate,
  MultiTensorAdamWUpdate,
  SgdUpdate,
  type AdamWUpdateAttrs,
  type MultiTensorAdamWUpdateAttrs,
  type SgdUpdateAttrs,
  tf,
} from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

type AdamWTensors = Record<'param' | 'grad' | 'm' | 'v', tf.TensorInfo | undefined>;

/** One AdamW step of one tensor into new [param, m, v] buffers (csrc/AdamWUpdate.cu). */
function adamWStep(
  kernel: string,
  backend: CudaBackend,
  tensors: AdamWTensors,
  attrs: AdamWUpdateAttrs,
  suffix = '',
): tf.TensorInfo[] {
  for (const [name, t] of Object.entries(tensors)) {
    if (t == null) throw new Error(`cuda ${kernel}: input '${name}${suffix}' is missing`);
    requireFloat32(kernel, `${name}${suffix}`, t);
  }
  const { param, grad, m, v } = tensors as Record<keyof AdamWTensors, tf.TensorInfo>;
  const n = sizeOf(param);
  for (const [name, t] of Object.entries({ grad, m, v })) {
    if (sizeOf(t) !== n)
      throw new RangeError(`cuda ${kernel}: ${name}${suffix} has ${sizeOf(t)} elements, param${suffix} ${n}`);
  }
  const { lr, beta1, beta2, eps, weightDecay, step } = attrs;
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
}

export const adamWUpdateConfig: tf.KernelConfig = {
  kernelName: AdamWUpdate,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) =>
    adamWStep(AdamWUpdate, cudaBackend(backend), inputs as AdamWTensors, attrs as AdamWUpdateAttrs),
};

// The multi-tensor form: one engine dispatch for a whole parameter group. On the device it is still one
// adamw_update launch per tensor (the same arithmetic as AdamWUpdate, so both optimizers agree to the
// bit); a single launch over a table of tensors is the next step. Outputs are new buffers.
export const multiTensorAdamWUpdateConfig: tf.KernelConfig = {
  kernelName: MultiTensorAdamWUpdate,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { steps, ...hyper } = attrs as MultiTensorAdamWUpdateAttrs;
    const named = inputs as Record<string, tf.TensorInfo | undefined>;
    return steps.flatMap((step, i) =>
      adamWStep(
        MultiTensorAdamWUpdate,
        backend,
        { param: named[`param${i}`], grad: named[`grad${i}`], m: named[`m${i}`], v: named[`v${i}`] },
        { ...hyper, step },
        `${i}`,
      ),
    );
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
