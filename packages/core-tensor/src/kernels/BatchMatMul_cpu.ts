import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';
import { batchMatMulF32 } from './matmul-f32.js';
import { matMulGeometry } from './matmul-geometry.js';

/**
 * cpu BatchMatMul over packed 4x4 tiles, 2-6x tfjs's cpu kernel (KERNELS.md). Non-float32 operands go to
 * tfjs's own kernel, `stock`.
 */
export function cpuBatchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName: 'cpu',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as tf.BatchMatMulInputs;
      if (a!.dtype !== 'float32' || b!.dtype !== 'float32') return stock.kernelFunc(args);
      const backend = args.backend as MathBackendCPU;
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      return cpuMatMul(backend, a!, b!, transposeA, transposeB);
    },
  };
}

/** The float32 product as a new cpu tensor; shared with _FusedMatMul. */
export function cpuMatMul(
  backend: MathBackendCPU,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const aValues = backend.data.get(a.dataId).values as Float32Array;
  const bValues = backend.data.get(b.dataId).values as Float32Array;
  const out = batchMatMulF32(aValues, bValues, g, transposeA, transposeB);
  return backend.makeTensorInfo(g.outShape, 'float32', out);
}
