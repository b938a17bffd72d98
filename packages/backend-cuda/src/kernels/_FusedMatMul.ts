// _FusedMatMul (tf.fused.matMul): a 2-D product with a [n] bias runs as one cuBLASLt call with the
// bias epilogue (a biased linear layer without a separate Add pass: Qwen2's q/k/v projections);
// batched products, broadcast biases and activations go through BatchMatMul and the registered
// elementwise kernels.
import { FUSED_MAT_MUL_ACTIVATIONS, tf } from '@medgpt/core-tensor';
import { batchMatMul, gemm } from './BatchMatMul.js';
import { cudaBackend, requireFloat32 } from './launch-config.js';

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { a, b: w, bias, preluActivationWeights } = inputs as tf._FusedMatMulInputs;
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as tf._FusedMatMulAttrs;
    requireFloat32(tf._FusedMatMul, 'a', a);
    requireFloat32(tf._FusedMatMul, 'b', w);
    const n = transposeB ? w.shape.at(-2)! : w.shape.at(-1)!;
    const epilogue =
      a.shape.length === 2 && w.shape.length === 2 && bias?.shape.length === 1 && bias.shape[0] === n;
    let out: tf.TensorInfo;
    if (epilogue) {
      requireFloat32(tf._FusedMatMul, 'bias', bias);
      out = gemm(backend, a, w, transposeA, transposeB, { bias });
    } else {
      out = batchMatMul(backend, a, w, transposeA, transposeB);
      if (bias != null) out = apply(backend, out, tf.Add, { a: out, b: bias }, {});
    }
    if (activation == null || activation === 'linear') return out;
    const kernelName = FUSED_MAT_MUL_ACTIVATIONS[activation];
    if (kernelName === undefined)
      throw new Error(
        `cuda _FusedMatMul: unknown activation '${activation}'; expected linear or one of ${Object.keys(FUSED_MAT_MUL_ACTIVATIONS).join(', ')}`,
      );
    const x = activation === 'prelu' ? { x: out, alpha: preluActivationWeights! } : { x: out };
    return apply(backend, out, kernelName, x, { alpha: leakyreluAlpha ?? 0.2 });
  },
};

/** Runs the cuda kernel `kernelName` on `inputs` and frees `previous`, the intermediate it consumed. */
function apply(
  backend: ReturnType<typeof cudaBackend>,
  previous: tf.TensorInfo,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'cuda');
  if (kernel == null)
    throw new Error(`cuda _FusedMatMul needs the cuda kernel '${kernelName}', which is not registered`);
  const out = kernel.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
  backend.disposeIntermediateTensorInfo(previous);
  return out;
}
