// Kernel PhiloxRandom: a tensor of samples drawn from a Philox stream. No inputs; everything that
// decides the values is in the attrs, so a device backend computes the same numbers on the device.
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { sample, type Distribution } from '../random/distributions.js';
import { PhiloxRandom, type PhiloxRandomAttrs } from '../kernel-names.js';

export const philoxRandomHostKernel: HostKernelImpl = (_inputs, attrs) => {
  const { shape, key0, key1, offset, ...dist } = attrs as unknown as PhiloxRandomAttrs;
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: sample(key0, key1, offset, size, dist as Distribution), shape };
};

export const philoxRandomConfig: HostKernelConfig = {
  kernelName: PhiloxRandom,
  kernelFunc: hostKernelFunc(philoxRandomHostKernel),
};
