// Dequantize4bit and DequantizeInt8 (core-tensor's dequantize4bit / dequantizeInt8: a quantised base
// weight back to float32 before its matmul) over csrc/Dequantize.cu. The codes are int32 tensors whose
// bytes the kernels read directly.
import {
  Dequantize4bit,
  Dequantize4bitNested,
  DequantizeInt8,
  tf,
  type Dequantize4bitAttrs,
  type Dequantize4bitNestedAttrs,
  type DequantizeInt8Attrs,
} from '@medgpt/core-tensor';
import { BLOCK, cudaBackend, gridFor, requireFloat32 } from './launch-config.js';

const DTYPE_CODE = { float32: 0, bfloat16: 1, float16: 2 } as const;

function requireInt32(kernel: string, name: string, info: tf.TensorInfo): void {
  if (info.dtype !== 'int32')
    throw new TypeError(`cuda ${kernel}: input '${name}' is ${info.dtype}; this kernel takes int32 words`);
}

export const dequantize4bitConfig: tf.KernelConfig = {
  kernelName: Dequantize4bit,
  backendName: 'cuda',
  kernelFunc: ({ inputs, attrs, backend: b }) => {
    const backend = cudaBackend(b);
    const { packed, absmax, code } = inputs as Record<'packed' | 'absmax' | 'code', tf.TensorInfo>;
    const { shape, blocksize, dtype } = attrs as unknown as Dequantize4bitAttrs;
    requireInt32(Dequantize4bit, 'packed', packed);
    requireFloat32(Dequantize4bit, 'absmax', absmax);
    requireFloat32(Dequantize4bit, 'code', code);
    const out = backend.makeTensorInfo(shape, 'float32');
    const n = shape.reduce((a, d) => a * d, 1);
    if (n > 0) {
      backend.runtime
        .fn('Dequantize', 'dequantize_4bit')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(packed),
          backend.pointer(absmax),
          backend.pointer(code),
          backend.pointer(out),
          n,
          blocksize,
          DTYPE_CODE[dtype],
        ]);
    }
    return out;
  },
};

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
    const out = backend.makeTensorInfo(shape, 'float32');
    const n = shape.reduce((a, d) => a * d, 1);
    if (n > 0) {
      backend.runtime
        .fn('Dequantize', 'dequantize_4bit_nested')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(t.packed),
          backend.pointer(t.absmaxCodes),
          backend.pointer(t.absmaxCode),
          backend.pointer(t.nestedAbsmax),
          backend.pointer(t.code),
          backend.pointer(out),
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

export const dequantizeInt8Config: tf.KernelConfig = {
  kernelName: DequantizeInt8,
  backendName: 'cuda',
  kernelFunc: ({ inputs, attrs, backend: b }) => {
    const backend = cudaBackend(b);
    const { packed, scb } = inputs as Record<'packed' | 'scb', tf.TensorInfo>;
    const [rows, cols] = (attrs as unknown as DequantizeInt8Attrs).shape as [number, number];
    requireInt32(DequantizeInt8, 'packed', packed);
    requireFloat32(DequantizeInt8, 'scb', scb);
    const out = backend.makeTensorInfo([rows, cols], 'float32');
    if (rows * cols > 0) {
      backend.runtime
        .fn('Dequantize', 'dequantize_int8')
        .launch(backend.runtime.stream, gridFor(rows * cols), BLOCK, 0, [
          backend.pointer(packed),
          backend.pointer(scb),
          backend.pointer(out),
          rows,
          cols,
        ]);
    }
    return out;
  },
};
