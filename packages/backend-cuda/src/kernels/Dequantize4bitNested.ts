// Dequantize4bitNested (a double-quantised absmax) over csrc/Dequantize.cu; see Dequantize4bit.ts.
import { Dequantize4bitNested, tf, type Dequantize4bitNestedAttrs } from '@medgpt/core-tensor';
import { bf16Operand, DTYPE_CODE, requireInt32 } from './Dequantize4bit.js';
import { BLOCK, cudaBackend, gridFor, requireFloat32 } from './launch-config.js';

export const dequantize4bitNestedConfig: tf.KernelConfig = {
  kernelName: Dequantize4bitNested,
  backendName: 'cuda',
  kernelFunc: ({ inputs, attrs, backend: b }) => {
    const backend = cudaBackend(b);
    type Input = 'packed' | 'code' | 'absmaxCodes' | 'absmaxCode' | 'nestedAbsmax';
    const t = inputs as Record<Input, tf.TensorInfo>;
    const { shape, blocksize, dtype, nestedBlocksize, offset } =
      attrs as unknown as Dequantize4bitNestedAttrs;
    requireInt32(Dequantize4bitNested, 'packed', t.packed);
    requireInt32(Dequantize4bitNested, 'absmaxCodes', t.absmaxCodes);
    for (const name of ['code', 'absmaxCode', 'nestedAbsmax'] as const)
      requireFloat32(Dequantize4bitNested, name, t[name]);
    const asBf16 = bf16Operand(backend, attrs);
    const out = asBf16 ? backend.makeBf16TensorInfo(shape) : backend.makeTensorInfo(shape, 'float32');
    const n = shape.reduce((a, d) => a * d, 1);
    if (n > 0) {
      backend.runtime
        .fn('Dequantize', asBf16 ? 'dequantize_4bit_nested_bf16' : 'dequantize_4bit_nested')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(t.packed),
          backend.pointer(t.absmaxCodes),
          backend.pointer(t.absmaxCode),
          backend.pointer(t.nestedAbsmax),
          backend.pointer(t.code),
          asBf16 ? backend.bf16(out) : backend.pointer(out),
          n,
          blocksize,
          nestedBlocksize,
          offset,
          DTYPE_CODE[dtype],
        ]);
    }
    return out;
  },
};
