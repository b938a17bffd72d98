import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';
import { cpuMatMul } from './BatchMatMul_cpu.js';
import { FUSED_MAT_MUL_ACTIVATIONS } from './fused-mat-mul-activations.js';

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
      let current = cpuMatMul(backend, a, b, transposeA, transposeB);
      if (bias != null) current = applyKernel(backend, current, tf.Add, { a: current, b: bias }, {});
      if (activation != null && activation !== 'linear') {
        const kernelName = FUSED_MAT_MUL_ACTIVATIONS[activation];
        if (kernelName == null) {
          throw new Error(
            `_FusedMatMul: unknown activation '${activation}'; expected linear or one of ` +
              `${Object.keys(FUSED_MAT_MUL_ACTIVATIONS).join(', ')}.`,
          );
        }
        const inputs =
          activation === 'prelu' ? { x: current, alpha: preluActivationWeights! } : { x: current };
        current = applyKernel(backend, current, kernelName, inputs, { alpha: leakyreluAlpha ?? 0.2 });
      }
      return current;
    },
  };
}

/** Runs the registered cpu kernel `kernelName` and frees `previous`, the intermediate it consumed. */
function applyKernel(
  backend: MathBackendCPU,
  previous: tf.TensorInfo,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'cpu');
  if (kernel == null) {
    throw new Error(`_FusedMatMul needs the cpu kernel '${kernelName}', which is not registered.`);
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
  backend.disposeIntermediateTensorInfo(previous);
  return out;
}
