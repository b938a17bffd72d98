import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';
import { cpuMatMul } from './BatchMatMul_cpu.js';
import { applyFusedMatMulEpilogue } from './fused-mat-mul-epilogue.js';

/**
 * cpu _FusedMatMul (tf.fused.matMul): our matmul, then tfjs's cpu Add and activation kernels. tfjs's own
 * fused kernel calls its slow cpu matmul directly, so replacing BatchMatMul alone would not reach it.
 */
export function cpuFusedMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf._FusedMatMul,
    backendName: 'cpu',
    kernelFunc: (args) => {
      const { a, b, bias, preluActivationWeights } = args.inputs as tf._FusedMatMulInputs;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);
      const backend = args.backend as MathBackendCPU;
      const { transposeA, transposeB, activation, leakyreluAlpha } =
        args.attrs as unknown as tf._FusedMatMulAttrs;
      return applyFusedMatMulEpilogue('cpu', backend, cpuMatMul(backend, a, b, transposeA, transposeB), {
        bias,
        activation,
        preluActivationWeights,
        leakyreluAlpha,
      });
    },
  };
}
