// DequantizeInt8 (core-tensor's dequantizeInt8: an LLM.int8() base weight back to float32, or to bf16
// as a bf16 matmul's operand) over
// csrc/Dequantize.cu; see Dequantize4bit.ts.
import { DequantizeInt8, tf, type DequantizeInt8Attrs } from '@medgpt/core-tensor';
import { bf16Operand, requireInt32 } from './Dequantize4bit.js';
import { BLOCK, cudaBackend, gridFor, requireFloat32 } from './launch-config.js';

export const dequantizeInt8Config: tf.KernelConfig = {
  kernelName: DequantizeInt8,
  backendName: 'cuda',
  kernelFunc: ({ inputs, attrs, backend: b }) => {
    const backend = cudaBackend(b);
    const { packed, scb } = inputs as Record<'packed' | 'scb', tf.TensorInfo>;
    const [rows, cols] = (attrs as unknown as DequantizeInt8Attrs).shape as [number, number];
    requireInt32(DequantizeInt8, 'packed', packed);
    requireFloat32(DequantizeInt8, 'scb', scb);
    const asBf16 = bf16Operand(backend, attrs);
    const out = asBf16
      ? backend.makeBf16TensorInfo([rows, cols])
      : backend.makeTensorInfo([rows, cols], 'float32');
    if (rows * cols > 0) {
      backend.runtime
        .fn('Dequantize', asBf16 ? 'dequantize_int8_bf16' : 'dequantize_int8')
        .launch(backend.runtime.stream, gridFor(rows * cols), BLOCK, 0, [
          backend.pointer(packed),
          backend.pointer(scb),
          asBf16 ? backend.bf16(out) : backend.pointer(out),
          rows,
          cols,
        ]);
    }
    return out;
  },
};
