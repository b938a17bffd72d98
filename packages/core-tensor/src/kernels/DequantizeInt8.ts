import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { wordBytes } from './dequantize-values.js';
import { DequantizeInt8, type DequantizeInt8Attrs } from '../kernel-names.js';

/** 1/127 as a float32 value, the factor bitsandbytes multiplies by. */
export const INT8_INV_127 = Math.fround(1 / 127);

export const dequantizeInt8HostKernel: HostKernelImpl = ({ packed, scb }, attrs) => {
  const [rows, cols] = (attrs as DequantizeInt8Attrs).shape as [number, number];
  const b = wordBytes(packed!.values);
  const codes = new Int8Array(b.buffer, b.byteOffset, b.byteLength);
  const s = scb!.values as Float32Array;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const sr = s[r]!;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      out[i] = Math.fround(Math.fround(codes[i]! * sr) * INT8_INV_127);
    }
  }
  return { values: out, shape: [rows, cols] };
};

export const dequantizeInt8Config: HostKernelConfig = {
  kernelName: DequantizeInt8,
  kernelFunc: hostKernelFunc(dequantizeInt8HostKernel),
};
