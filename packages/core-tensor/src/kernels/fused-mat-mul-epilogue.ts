import { tf } from '../tf.js';

/** tf.fused.matMul's activations and the elementwise kernel that applies each. */
const ACTIVATION_KERNELS: Readonly<Record<string, string>> = {
  relu: tf.Relu,
  relu6: tf.Relu6,
  elu: tf.Elu,
  sigmoid: tf.Sigmoid,
  leakyrelu: tf.LeakyRelu,
  prelu: tf.Prelu,
};

/** A backend that frees a kernel's intermediate results (tfjs's cpu backend, backend-cuda). */
export type IntermediateFreeingBackend = tf.KernelBackend & {
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
};

/** What tf.fused.matMul applies after the product. */
export interface FusedMatMulEpilogue {
  /** Added to the product (null: none, or already added by the backend's GEMM). */
  bias?: tf.TensorInfo | null;
  activation?: string;
  preluActivationWeights?: tf.TensorInfo;
  leakyreluAlpha?: number;
}

/**
 * The rest of a _FusedMatMul kernel after its product: the bias (Add) and the activation, each through
 * the kernel `backendName` registers for it, freeing the intermediate each consumes. Every backend's
 * _FusedMatMul (cpu, cuda) runs its own product, then this.
 */
export function applyFusedMatMulEpilogue(
  backendName: string,
  backend: IntermediateFreeingBackend,
  product: tf.TensorInfo,
  epilogue: FusedMatMulEpilogue,
): tf.TensorInfo {
  const apply = (previous: tf.TensorInfo, kernelName: string, inputs: tf.NamedTensorInfoMap, attrs = {}) => {
    const kernel = tf.getKernel(kernelName, backendName);
    if (kernel == null)
      throw new Error(
        `_FusedMatMul needs the ${backendName} kernel '${kernelName}', which is not registered.`,
      );
    const out = kernel.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
    backend.disposeIntermediateTensorInfo(previous);
    return out;
  };
  let current = product;
  const { bias, activation } = epilogue;
  if (bias != null) current = apply(current, tf.Add, { a: current, b: bias });
  if (activation == null || activation === 'linear') return current;
  const kernelName = ACTIVATION_KERNELS[activation];
  if (kernelName === undefined)
    throw new Error(
      `_FusedMatMul: unknown activation '${activation}'; expected linear or one of ` +
        `${Object.keys(ACTIVATION_KERNELS).join(', ')}.`,
    );
  const inputs =
    activation === 'prelu' ? { x: current, alpha: epilogue.preluActivationWeights! } : { x: current };
  return apply(current, kernelName, inputs, { alpha: epilogue.leakyreluAlpha ?? 0.2 });
}
