import { tf } from '../tf.js';

/**
 * Central finite differences of a scalar function with respect to input `index`, evaluated in
 * float32 by tfjs. `eps` around 1e-2..1e-3 balances truncation against float32 rounding.
 */
export function numericGrad(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
  index: number,
  eps = 1e-2,
): Float32Array {
  const x = xs[index]!;
  const base = x.dataSync().slice();
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number): number =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] = base[i]! + delta;
        const args = xs.slice();
        args[index] = tf.tensor(v, x.shape, x.dtype);
        return f(...args).dataSync()[0]!;
      });
    out[i] = (at(eps) - at(-eps)) / (2 * eps);
  }
  return out;
}

/** Largest |a - b| / (atol + rtol * |b|) over the elements; <= 1 means "close". */
export function closeness(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-4, rtol = 1e-3): number {
  if (a.length !== b.length) throw new Error(`closeness: length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}
