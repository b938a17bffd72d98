// Kernels that run on the host for now: their inputs are read back, core-tensor's reference
// implementation runs in JS, and the outputs are uploaded. Correct but slow; each is listed as
// "host" in the README's kernel table until it gets a CUDA kernel.
import { tf, type HostKernelImpl, type HostTensor } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';

/** A cuda kernel that runs `impl` on the host over read-back inputs and uploads its outputs. */
export function hostFallbackConfig(kernelName: string, impl: HostKernelImpl): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend: b, attrs }) => {
      const backend = cudaBackend(b);
      const host: Record<string, HostTensor> = {};
      for (const [name, info] of Object.entries(inputs)) {
        if (info == null) continue;
        const t = info as tf.TensorInfo;
        host[name] = {
          values: backend.readSync(t.dataId) as HostTensor['values'],
          shape: t.shape,
          dtype: t.dtype,
        };
      }
      const result = impl(host, attrs ?? {});
      const outs = (Array.isArray(result) ? result : [result]).map((o) =>
        backend.makeTensorInfo(
          o.shape,
          o.dtype ?? (o.values instanceof Int32Array ? 'int32' : 'float32'),
          o.values,
        ),
      );
      return Array.isArray(result) ? outs : outs[0]!;
    },
  };
}
