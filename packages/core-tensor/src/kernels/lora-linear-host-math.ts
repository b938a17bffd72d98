// Shared host arithmetic of the LoraLinear kernels: 2-D products through our packed float32 matmul, and
// LoRA dropout's keep mask regenerated from its Philox stream (the same words PhiloxDropout reads).
import { batchMatMulF32 } from './matmul-f32.js';
import { matMulGeometry } from './matmul-geometry.js';
import { wordToUnit } from '../random/distributions.js';
import { philoxWords } from '../random/philox.js';

/** a [m, k] (or [k, m] when ta) times b [k, n] (or [n, k] when tb), row-major [m, n]. */
export function matMul2d(
  a: Float32Array,
  aShape: [number, number],
  b: Float32Array,
  bShape: [number, number],
  ta: boolean,
  tb: boolean,
): Float32Array {
  return batchMatMulF32(a, b, matMulGeometry(aShape, bShape, ta, tb), ta, tb);
}

/** Dropout's attrs: element i is kept (and scaled by 1 / (1 - rate)) when word i of the stream >= rate. */
export interface DropoutStream {
  rate: number;
  key0: number;
  key1: number;
  offset: number;
}

/** x with LoRA dropout applied (a new array), or x itself when the rate is 0. */
export function applyDropout(x: Float32Array, d: DropoutStream): Float32Array {
  if (d.rate === 0) return x;
  const words = new Uint32Array(Math.ceil(x.length / 4) * 4);
  philoxWords(d.key0, d.key1, d.offset, words);
  const scale = 1 / (1 - d.rate);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = wordToUnit(words[i]!) >= d.rate ? x[i]! * scale : 0;
  return out;
}
