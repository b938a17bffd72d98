// Range: computed on the host as tfjs-backend-cpu does, then uploaded (its sequential float additions
// are part of its result).
import { tf } from '@medgpt/core-tensor';
import { cudaBackend } from './launch-config.js';

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
  kernelName: tf.Range,
  backendName: 'cuda',
  kernelFunc: ({ backend, attrs }) => {
    const { start, stop, step, dtype } = attrs as unknown as tf.RangeAttrs;
    const values = rangeValues(start, stop, step, dtype);
    return cudaBackend(backend).makeTensorInfo([values.length], dtype, values);
  },
};
