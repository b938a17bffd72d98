// RoundToBf16 on host backends: the values rounded to bf16, kept as float32 (host backends store
// float32 only).
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { roundInPlace } from './dequantize-values.js';
import { RoundToBf16 } from '../kernel-names.js';

export const roundToBf16HostKernel: HostKernelImpl = ({ x }) => {
  const out = Float32Array.from(x!.values as Float32Array);
  roundInPlace(out, 'bfloat16');
  return { values: out, shape: x!.shape };
};

export const roundToBf16Config: HostKernelConfig = {
  kernelName: RoundToBf16,
  kernelFunc: hostKernelFunc(roundToBf16HostKernel),
};
