import { tf } from '../tf.js';

/** Backends whose tensors live in host memory, where a kernel written in JS over typed arrays runs. */
export const HOST_BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;

/** A tensor as a JS kernel sees it: its values (a copy or a view; never mutate), shape and dtype. */
export interface HostTensor {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype: tf.DataType;
}

/** What a JS kernel returns: new values for one output. */
export interface HostOutput {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype?: tf.DataType;
}

export type HostKernelImpl = (
  inputs: Record<string, HostTensor>,
  attrs: tf.NamedAttrMap,
) => HostOutput | HostOutput[];

interface HostBackend {
  readSync(dataId: tf.DataId): unknown;
  write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
  /** wasm only: a view of the tensor in the wasm heap (no copy). */
  typedArrayFromHeap?(info: tf.TensorInfo): HostTensor['values'];
}

/**
 * The input's values without copying where the backend allows it: wasm's readSync copies out of its
 * heap, a heap view does not. The view stays valid while the kernel runs: nothing allocates in the
 * heap until the outputs are written, after the kernel has finished reading.
 */
function hostValues(b: HostBackend, t: tf.TensorInfo): HostTensor['values'] {
  if (b.typedArrayFromHeap != null && t.dtype !== 'string') return b.typedArrayFromHeap(t);
  return b.readSync(t.dataId) as HostTensor['values'];
}

/**
 * Kernels that replace the JS kernel on one host backend. wasm uses them: its own SIMD kernels
 * (XNNPACK matMul, softmax, sigmoid, elementwise) composed inside one kernel beat scalar JS loops.
 */
export type HostBackendKernels = Partial<Record<(typeof HOST_BACKENDS)[number], tf.KernelFunc>>;

/**
 * A kernel for every host backend (cpu, wasm, tensorflow): usually `hostKernelFunc(impl)` of a JS kernel,
 * the reference kernels (exact, simple loops in float64 arithmetic over float32 storage). Device backends
 * (cuda) register their own kernels under the same name.
 */
export interface HostKernelConfig {
  kernelName: string;
  kernelFunc: tf.KernelFunc;
}

/** Registers `kernelFunc` under `kernelName` on `backendName`, replacing what was there. */
export function replaceKernel(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, backendName) != null) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}

/**
 * Registers `impl` as kernel `kernelName` on every host backend (cpu, wasm, tensorflow), except where
 * `overrides` names a kernel for that backend. (Our own kernels are listed in register-all-kernels.ts;
 * this is for kernels defined elsewhere, e.g. in tests.)
 */
export function registerHostKernel(
  kernelName: string,
  impl: HostKernelImpl,
  overrides: HostBackendKernels = {},
): void {
  for (const backendName of HOST_BACKENDS) {
    replaceKernel(kernelName, backendName, overrides[backendName] ?? hostKernelFunc(impl));
  }
}

/** The kernelFunc that runs a JS kernel over the backend's arrays. */
export function hostKernelFunc(impl: HostKernelImpl): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const b = backend as unknown as HostBackend;
    const host: Record<string, HostTensor> = {};
    for (const [name, info] of Object.entries(inputs)) {
      if (info == null) continue;
      const t = info as tf.TensorInfo;
      host[name] = {
        values: hostValues(b, t),
        shape: t.shape,
        dtype: t.dtype,
      };
    }
    const out = impl(host, attrs ?? {});
    const outs = Array.isArray(out) ? out : [out];
    const infos = outs.map((o): tf.TensorInfo => {
      const dtype = o.dtype ?? (o.values instanceof Int32Array ? 'int32' : 'float32');
      return { dataId: b.write(o.values, o.shape, dtype), shape: o.shape, dtype };
    });
    return Array.isArray(out) ? infos : infos[0]!;
  };
}
