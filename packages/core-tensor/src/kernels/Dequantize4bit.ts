// Dequantize4bit on host backends: bitsandbytes' NF4/FP4 blocks back to float32, one product each.
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { roundInPlace, wordBytes } from './dequantize-values.js';
import { Dequantize4bit, type Dequantize4bitAttrs } from '../kernel-names.js';

export const dequantize4bitHostKernel: HostKernelImpl = ({ packed, absmax, code }, attrs) => {
  const { shape, blocksize, dtype } = attrs as Dequantize4bitAttrs;
  const n = shape.reduce((a, b) => a * b, 1);
  const bytes = wordBytes(packed!.values);
  const scale = absmax!.values as Float32Array;
  const table = code!.values as Float32Array;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const byte = bytes[i >> 1]!;
    const q = i & 1 ? byte & 0x0f : byte >> 4;
    out[i] = Math.fround(table[q]! * scale[Math.floor(i / blocksize)]!);
  }
  roundInPlace(out, dtype);
  return { values: out, shape: [...shape] };
};

export const dequantize4bitConfig: HostKernelConfig = {
  kernelName: Dequantize4bit,
  kernelFunc: hostKernelFunc(dequantize4bitHostKernel),
};
