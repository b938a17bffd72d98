import { GGML_TYPES } from './ggml-type.js';
import { fromF16Bits, toF16Bits } from './half.js';

const QK = GGML_TYPES.q8_0.blockSize;
const BLOCK_BYTES = GGML_TYPES.q8_0.blockBytes;
const f32 = Math.fround;

/** C's roundf: halves go away from zero (Math.round sends -2.5 to -2). */
function roundf(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Quantises float32 values to ggml's Q8_0 blocks, as `quantize_row_q8_0_ref` (ggml-quants.c) and
 * gguf-py's `Q8_0.quantize_blocks` do: per block of 32, `d = amax / 127` (stored as f16) and
 * `qs[j] = roundf(x[j] / d)` as int8, computed in float32 arithmetic (Math.fround after each step, so
 * the bytes are the reference's). `values.length` must be a multiple of 32.
 */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % QK !== 0) {
    throw new RangeError(`quantizeQ8_0: ${values.length} values are not a whole number of blocks of ${QK}`);
  }
  const blocks = values.length / QK;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const x0 = b * QK;
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(values[x0 + j]!));
    const d = f32(amax / 127);
    const id = d !== 0 ? f32(1 / d) : 0;
    const o = b * BLOCK_BYTES;
    view.setUint16(o, toF16Bits(d), true);
    for (let j = 0; j < QK; j++) view.setInt8(o + 2 + j, roundf(f32(values[x0 + j]! * id)));
  }
  return out;
}

/** Q8_0 blocks back to float32 (`dequantize_row_q8_0`): `qs[j] * d`. */
export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % BLOCK_BYTES !== 0) {
    throw new RangeError(
      `dequantizeQ8_0: ${bytes.byteLength} bytes are not a whole number of ${BLOCK_BYTES}-byte blocks`,
    );
  }
  const blocks = bytes.byteLength / BLOCK_BYTES;
  const out = new Float32Array(blocks * QK);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; b++) {
    const o = b * BLOCK_BYTES;
    const d = fromF16Bits(view.getUint16(o, true));
    for (let j = 0; j < QK; j++) out[b * QK + j] = view.getInt8(o + 2 + j) * d;
  }
  return out;
}
