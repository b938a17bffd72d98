// Kernel PhiloxRandom: a tensor of samples drawn from a Philox stream. No inputs; everything that
// decides the values is in the attrs, so a device backend computes the same numbers on the device.
import { registerHostKernel, type HostKernelImpl } from '../../ops/kernels/js-kernel.js';
import { sample, type Distribution } from '../distributions.js';

/** Kernel name (see PhiloxRandomAttrs). */
export const PhiloxRandom = 'PhiloxRandom';

/**
 * `shape` of the output (float32); `key0`, `key1`: the Philox key; `offset`: the first block; then
 * the distribution and its parameters. Element i uses word i of the stream (see distributions.ts).
 */
export type PhiloxRandomAttrs = {
  shape: number[];
  key0: number;
  key1: number;
  offset: number;
} & Distribution;

export const philoxRandomHostKernel: HostKernelImpl = (_inputs, attrs) => {
  const { shape, key0, key1, offset, ...dist } = attrs as unknown as PhiloxRandomAttrs;
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: sample(key0, key1, offset, size, dist as Distribution), shape };
};

registerHostKernel(PhiloxRandom, philoxRandomHostKernel);
