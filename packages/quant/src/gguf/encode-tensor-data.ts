import { float32ToF16 } from '@medgpt/core-tensor';
import { quantizeQ4_0 } from './block-q4-0.js';
import { quantizeQ8_0 } from './block-q8-0.js';
import type { GgmlTypeName } from './ggml-type.js';

/**
 * Row-major float32 values in a ggml type's byte layout (little-endian): f32 as is, f16 rounded to
 * nearest even, q8_0/q4_0 as ggml's reference quantisers make them.
 */
export function encodeTensorData(values: Float32Array, type: GgmlTypeName): Uint8Array {
  switch (type) {
    case 'f32':
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case 'f16': {
      const half = float32ToF16(values);
      return new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
    }
    case 'q8_0':
      return quantizeQ8_0(values);
    case 'q4_0':
      return quantizeQ4_0(values);
  }
}
