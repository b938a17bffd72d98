// Dequantize4bit (core-tensor's dequantize4bit: an NF4/FP4 base weight back to float32 before its
// matmul, or straight to bf16 when it only feeds bf16 matmuls) over csrc/Dequantize.cu. The codes are
// int32 tensors whose bytes the kernel reads directly.
import { Dequantize4bit, tf, type Dequantize4bitAttrs } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { BLOCK, cudaBackend, gridFor, requireFloat32 } from './launch-config.js';

export const DTYPE_CODE = { float32: 0, bfloat16: 1, float16: 2 } as const;

/**
 * Whether a dequantised weight is written straight to bf16: it only feeds matmuls (the op's
 * matmulOperand) and matmuls read bf16 ('bf16' precision), so its float32 values would never be read.
 */
export function bf16Operand(backend: CudaBackend, attrs: tf.NamedAttrMap | undefined): boolean {
  return attrs?.['matmulOperand'] === true && backend.runtime.matmul.precision === 'bf16';
}

export function requireInt32(kernel: string, name: string, info: tf.TensorInfo): void {
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
    const asBf16 = bf16Operand(backend, attrs);
    const out = asBf16 ? backend.makeBf16TensorInfo(shape) : backend.makeTensorInfo(shape, 'float32');
    const n = shape.reduce((a, d) => a * d, 1);
    if (n > 0) {
      backend.runtime
        .fn('Dequantize', asBf16 ? 'dequantize_4bit_bf16' : 'dequantize_4bit')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(packed),
          backend.pointer(absmax),
          backend.pointer(code),
          asBf16 ? backend.bf16(out) : backend.pointer(out),
          n,
          blocksize,
          DTYPE_CODE[dtype],
        ]);
    }
    return out;
  },
};
