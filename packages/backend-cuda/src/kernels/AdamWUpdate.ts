// AdamWUpdate (core-tensor's one-kernel-per-parameter AdamW) over csrc/AdamWUpdate.cu. Hyperparameters
// arrive as attrs and go to the kernel as arguments: a step uploads nothing.
import { AdamWUpdate, type AdamWUpdateAttrs, tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

export type AdamWTensors = Record<'param' | 'grad' | 'm' | 'v', tf.TensorInfo | undefined>;

/** The four tensors of one parameter, checked: present, float32, equal sizes. */
export function checkedTensors(
  kernel: string,
  tensors: AdamWTensors,
  suffix = '',
): Record<keyof AdamWTensors, tf.TensorInfo> {
  for (const [name, t] of Object.entries(tensors)) {
    if (t == null) throw new Error(`cuda ${kernel}: input '${name}${suffix}' is missing`);
    requireFloat32(kernel, `${name}${suffix}`, t);
  }
  const checked = tensors as Record<keyof AdamWTensors, tf.TensorInfo>;
  const n = sizeOf(checked.param);
  for (const name of ['grad', 'm', 'v'] as const) {
    const t = checked[name];
    if (sizeOf(t) !== n)
      throw new RangeError(`cuda ${kernel}: ${name}${suffix} has ${sizeOf(t)} elements, param${suffix} ${n}`);
  }
  return checked;
}

/** One AdamW step of one tensor into new [param, m, v] buffers (csrc/AdamWUpdate.cu). */
function adamWStep(
  kernel: string,
  backend: CudaBackend,
  tensors: AdamWTensors,
  attrs: AdamWUpdateAttrs,
): tf.TensorInfo[] {
  const { param, grad, m, v } = checkedTensors(kernel, tensors);
  const n = sizeOf(param);
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
