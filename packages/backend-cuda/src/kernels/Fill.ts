// Tensors made from attributes alone: Fill, ZerosLike, OnesLike (cuMemsetD32 with the value's bit
// pattern, no kernel) and Range (computed on the host as tfjs-backend-cpu does, then uploaded: its
// sequential float additions are part of its result).
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
  kernelName: 'Fill',
  backendName: 'cuda',
  kernelFunc: ({ backend, attrs }) => {
    const { shape, value, dtype } = attrs as unknown as tf.FillAttrs;
    if (typeof value !== 'number')
      throw new TypeError(`cuda Fill: value ${JSON.stringify(value)} is not a number`);
    return filled(cudaBackend(backend), shape, dtype ?? 'float32', value);
  },
};

function likeConfig(kernelName: string, value: number): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      return filled(cudaBackend(backend), x.shape, x.dtype, value);
    },
  };
}

export const zerosLikeConfig = likeConfig('ZerosLike', 0);
export const onesLikeConfig = likeConfig('OnesLike', 1);

/** tfjs-backend-cpu's rangeImpl: start, then repeated additions of step. */
export function rangeValues(
  start: number,
  stop: number,
  step: number,
  dtype: 'float32' | 'int32',
): Float32Array | Int32Array {
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
  const count = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
  const values = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  if (count === 0) return values;
  const $step = stop < start && step === 1 ? -1 : step;
  values[0] = start;
  for (let i = 1; i < count; i++) values[i] = values[i - 1]! + $step;
  return values;
}

export const rangeConfig: tf.KernelConfig = {
  kernelName: 'Range',
  backendName: 'cuda',
  kernelFunc: ({ backend, attrs }) => {
    const { start, stop, step, dtype } = attrs as unknown as tf.RangeAttrs;
    const values = rangeValues(start, stop, step, dtype);
    return cudaBackend(backend).makeTensorInfo([values.length], dtype, values);
  },
};
