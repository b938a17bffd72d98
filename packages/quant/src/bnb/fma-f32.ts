/**
 * `fmaf(a, b, c)`: a * b + c with one float32 rounding, for float32 operands. The product of two
 * float32 values is exact in a double; the sum is rounded once to double and then to float32, and that
 * second rounding can only go wrong when the double lands exactly halfway between two float32 values
 * while the double rounding dropped something. Then the exact error of the sum (TwoSum) says which way
 * the true value lies, and we step the double towards it before rounding to float32.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 significant bits
  const s = p + c;
  const f = Math.fround(s);
  if (!Number.isFinite(s) || f === s) return f;
  // TwoSum: p + c = s + err exactly.
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return f;
  const other = f < s ? nextFloat32Up(f) : nextFloat32Down(f);
  const mid = (f + other) / 2; // exact in double
  if (s !== mid) return f;
  // s is a float32 tie only because of the double rounding: the true sum is on err's side of it.
  return err > 0 ? Math.max(f, other) : Math.min(f, other);
}

const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

function nextFloat32Up(x: number): number {
  if (x === 0) return 1.401298464324817e-45;
  scratch[0] = x;
  scratchBits[0]! += x > 0 ? 1 : -1;
  return scratch[0]!;
}

function nextFloat32Down(x: number): number {
  return -nextFloat32Up(-x);
}
