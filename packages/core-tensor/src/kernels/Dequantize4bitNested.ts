// Dequantize4bitNested on host backends: the absmax itself dequantised first (bitsandbytes' order), then
// Dequantize4bit's arithmetic.
import { Dequantize4bitNested, type Dequantize4bitNestedAttrs } from '../kernel-names.js';
import { dequantize4bitHostKernel } from './Dequantize4bit.js';
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { wordBytes } from './dequantize-values.js';

export const dequantize4bitNestedHostKernel: HostKernelImpl = (inputs, attrs) => {
  const { packed, code, absmaxCodes, absmaxCode, nestedAbsmax } = inputs;
  const { shape, blocksize, dtype, nestedBlocksize, offset } = attrs as Dequantize4bitNestedAttrs;
  const blocks = Math.ceil(shape.reduce((a, b) => a * b, 1) / blocksize);
  const q8 = wordBytes(absmaxCodes!.values);
  const c8 = absmaxCode!.values as Float32Array;
  const nested = nestedAbsmax!.values as Float32Array;
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++)
    absmax[b] = Math.fround(c8[q8[b]!]! * nested[Math.floor(b / nestedBlocksize)]!) + Math.fround(offset);
  const scale = { values: absmax, shape: [blocks], dtype: 'float32' as const };
  return dequantize4bitHostKernel(
    { packed: packed!, absmax: scale, code: code! },
    { shape, blocksize, dtype },
  );
};

export const dequantize4bitNestedConfig: HostKernelConfig = {
  kernelName: Dequantize4bitNested,
  kernelFunc: hostKernelFunc(dequantize4bitNestedHostKernel),
};
