// _FusedMatMul (tf.fused.matMul): a 2-D product with a [n] bias runs as one cuBLASLt call with the
// bias epilogue (a biased linear layer without a separate Add pass: Qwen2's q/k/v projections);
// batched products and broadcast biases go through BatchMatMul and the Add kernel, activations through
// their kernels (core-tensor's applyFusedMatMulEpilogue).
import { applyFusedMatMulEpilogue, tf } from '@medgpt/core-tensor';
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
    if (epilogue) requireFloat32(tf._FusedMatMul, 'bias', bias);
    const product = epilogue
      ? gemm(backend, a, w, transposeA, transposeB, { bias })
      : batchMatMul(backend, a, w, transposeA, transposeB);
    return applyFusedMatMulEpilogue('cuda', backend, product, {
      bias: epilogue ? null : bias,
      activation,
      preluActivationWeights,
      leakyreluAlpha,
    });
  },
};
