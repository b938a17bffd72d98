// Fill: cuMemsetD32 with the value's bit pattern, no kernel (ZerosLike and OnesLike too).
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, sizeOf } from './launch-config.js';

const bits = new DataView(new ArrayBuffer(4));

/** The 32-bit word that stores `value` as `dtype`. */
export function storedBits(value: number, dtype: tf.DataType): number {
  if (dtype === 'float32') bits.setFloat32(0, value, true);
  else if (dtype === 'bool') bits.setInt32(0, value ? 1 : 0, true);
  else bits.setInt32(0, value, true);
  return bits.getUint32(0, true);
}

/** A new tensor of `shape` with every element `value`. */
export function filled(
  backend: CudaBackend,
  shape: number[],
  dtype: tf.DataType,
  value: number,
): tf.TensorInfo {
  const out = backend.makeTensorInfo(shape, dtype);
  backend.runtime.fill32(backend.pointer(out), storedBits(value, dtype), sizeOf(out), `fill ${dtype}`);
  return out;
}

export const fillConfig: tf.KernelConfig = {
  kernelName: tf.Fill,
  backendName: 'cuda',
  kernelFunc: ({ backend, attrs }) => {
    const { shape, value, dtype } = attrs as unknown as tf.FillAttrs;
    if (typeof value !== 'number')
      throw new TypeError(`cuda Fill: value ${JSON.stringify(value)} is not a number`);
    return filled(cudaBackend(backend), shape, dtype ?? 'float32', value);
  },
};

/** A kernel whose output is shaped like its input `x` with every element `value`. */
export function filledLikeConfig(kernelName: string, value: number): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      return filled(cudaBackend(backend), x.shape, x.dtype, value);
    },
  };
}
