import { f16ToFloat32, float32ToF16 } from '@medgpt/core-tensor';

const one = new Float32Array(1);
const oneHalf = new Uint16Array(1);

/** float32 -> IEEE binary16 bits, rounding to nearest even (GGML_FP32_TO_FP16). */
export function toF16Bits(x: number): number {
  one[0] = x;
  return float32ToF16(one, oneHalf)[0]!;
}

/** IEEE binary16 bits -> the float value (exact). */
export function fromF16Bits(h: number): number {
  oneHalf[0] = h;
  return f16ToFloat32(oneHalf, one)[0]!;
}
