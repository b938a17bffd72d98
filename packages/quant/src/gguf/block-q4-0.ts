import { GGML_TYPES } from './ggml-type.js';
import { fromF16Bits, toF16Bits } from './half.js';

const QK = GGML_TYPES.q4_0.blockSize;
const HALF = QK / 2;
const BLOCK_BYTES = GGML_TYPES.q4_0.blockBytes;
const f32 = Math.fround;

/**
 * Quantises float32 values to ggml's Q4_0 blocks, as `quantize_row_q4_0_ref` (ggml-quants.c) does:
 * per block of 32, `max` is the signed value of the first element with the largest |x|, `d = max / -8`
 * (stored as f16), each value becomes `min(15, trunc(x / d + 8.5))`, and byte j holds element j in its
 * low nibble and element j + 16 in its high nibble. Float32 arithmetic throughout (Math.fround after
 * each step), so the bytes are the reference's. `values.length` must be a multiple of 32.
 */
export function quantizeQ4_0(values: Float32Array): Uint8Array {
  if (values.length % QK !== 0) {
    throw new RangeError(`quantizeQ4_0: ${values.length} values are not a whole number of blocks of ${QK}`);
  }
  const blocks = values.length / QK;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  const view = new DataView(out.buffer);
  const nibble = (x: number, id: number) => Math.min(15, Math.trunc(f32(f32(x * id) + 8.5)));
  for (let b = 0; b < blocks; b++) {
    const x0 = b * QK;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = values[x0 + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = f32(max / -8);
    const id = d !== 0 ? f32(1 / d) : 0;
    const o = b * BLOCK_BYTES;
    view.setUint16(o, toF16Bits(d), true);
    for (let j = 0; j < HALF; j++) {
      out[o + 2 + j] = nibble(values[x0 + j]!, id) | (nibble(values[x0 + HALF + j]!, id) << 4);
    }
  }
  return out;
}

/** Q4_0 blocks back to float32 (`dequantize_row_q4_0`): `(nibble - 8) * d`. */
export function dequantizeQ4_0(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % BLOCK_BYTES !== 0) {
    throw new RangeError(
      `dequantizeQ4_0: ${bytes.byteLength} bytes are not a whole number of ${BLOCK_BYTES}-byte blocks`,
    );
  }
  const blocks = bytes.byteLength / BLOCK_BYTES;
  const out = new Float32Array(blocks * QK);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; b++) {
    const o = b * BLOCK_BYTES;
    const d = fromF16Bits(view.getUint16(o, true));
    for (let j = 0; j < HALF; j++) {
      const q = bytes[o + 2 + j]!;
      out[b * QK + j] = ((q & 0x0f) - 8) * d;
      out[b * QK + HALF + j] = ((q >> 4) - 8) * d;
    }
  }
  return out;
}
