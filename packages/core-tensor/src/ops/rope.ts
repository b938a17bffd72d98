import { tf } from '../tf.js';
import { Rope, type RopeAttrs } from '../kernel-names.js';

/** How to rotate: the head size and the frequencies from `ropeFrequencies` (spread its result in). */
export interface RopeOptions {
  headDim: number;
  /** Inverse frequencies, one per rotated pair; the rotary dim is twice their count (<= headDim). */
  invFreq: ArrayLike<number>;
  /** Multiplies the rotated q and k (HF's attention_scaling, e.g. YaRN's); default 1. */
  attentionScaling?: number;
}

function checkActivation(name: string, t: tf.Tensor, tokens: number, headDim: number): void {
  if (t.dtype !== 'float32') throw new Error(`rope: ${name} must be float32, got ${t.dtype}`);
  if (t.rank !== 2 || t.shape[0] !== tokens || t.shape[1]! % headDim !== 0) {
    throw new Error(`rope: ${name} must have shape [${tokens}, heads * ${headDim}], got [${t.shape}]`);
  }
}

function checkArgs(q: tf.Tensor, k: tf.Tensor, positions: tf.Tensor, options: RopeOptions): void {
  const { headDim, invFreq, attentionScaling = 1 } = options;
  if (!Number.isInteger(headDim) || headDim <= 0) {
    throw new Error(`rope: headDim must be a positive integer, got ${headDim}`);
  }
  if (invFreq.length === 0 || 2 * invFreq.length > headDim) {
    throw new Error(
      `rope: invFreq must hold 1..${headDim / 2} values (rotary dim <= headDim), got ${invFreq.length}`,
    );
  }
  if (!Number.isFinite(attentionScaling)) {
    throw new Error(`rope: attentionScaling must be finite, got ${attentionScaling}`);
  }
  if (positions.dtype !== 'int32') throw new Error(`rope: positions must be int32, got ${positions.dtype}`);
  if (positions.rank !== 1) {
    throw new Error(`rope: positions must have shape [tokens], got [${positions.shape}]`);
  }
  checkActivation('q', q, positions.shape[0]!, headDim);
  checkActivation('k', k, positions.shape[0]!, headDim);
}

/**
 * Rotary position embedding of q [T, numHeads*headDim] and k [T, numKvHeads*headDim] at integer
 * `positions` [T] (from the attention mask, so left padding works), in one kernel. HF semantics
 * (`q * cos + rotate_half(q) * sin`, cos/sin = cat(freqs, freqs) * attentionScaling); with a rotary
 * dim below headDim the tail of each head passes through. Differentiable in q and k.
 */
export function rope(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  positions: tf.Tensor1D,
  options: RopeOptions,
): [tf.Tensor2D, tf.Tensor2D] {
  checkArgs(q, k, positions, options);
  const attrs: RopeAttrs = {
    headDim: options.headDim,
    invFreq: Array.from(options.invFreq),
    attentionScaling: options.attentionScaling ?? 1,
  };
  return tf.engine().runKernel(Rope, { q, k, positions }, attrs) as [tf.Tensor2D, tf.Tensor2D];
}

// rotate_half on [T, heads, R]: cat(-x2, x1) over the last axis.
function rotateHalf(x: tf.Tensor3D): tf.Tensor3D {
  const half = x.shape[2] / 2;
  const [x1, x2] = tf.split(x, [half, half], 2);
  return tf.concat([tf.neg(x2!), x1!], 2) as tf.Tensor3D;
}

function applyReference(x: tf.Tensor2D, cos: tf.Tensor3D, sin: tf.Tensor3D, headDim: number): tf.Tensor2D {
  const [tokens, width] = x.shape;
  const rotary = cos.shape[2];
  const heads: tf.Tensor3D = tf.reshape(x, [tokens, width / headDim, headDim]);
  const turn = (rot: tf.Tensor3D): tf.Tensor3D => tf.add(tf.mul(rot, cos), tf.mul(rotateHalf(rot), sin));
  if (rotary === headDim) return tf.reshape(turn(heads), [tokens, width]);
  const [rot, pass] = tf.split(heads, [rotary, headDim - rotary], 2);
  return tf.reshape(tf.concat([turn(rot as tf.Tensor3D), pass!], 2), [tokens, width]);
}

/** The same function built from stock tfjs ops (HF's formulation): runs on every backend; a test oracle. */
export function ropeReference(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  positions: tf.Tensor1D,
  options: RopeOptions,
): [tf.Tensor2D, tf.Tensor2D] {
  checkArgs(q, k, positions, options);
  const { headDim, invFreq, attentionScaling = 1 } = options;
  return tf.tidy(() => {
    const tokens = positions.shape[0];
    // [T, 1] x [1, R/2]: one float32 product per angle, as HF's inv_freq @ position_ids.
    const freqs = tf.matMul(
      tf.reshape(tf.cast(positions, 'float32'), [tokens, 1]),
      tf.tensor2d(Array.from(invFreq), [1, invFreq.length]),
    );
    const emb = tf.reshape(tf.concat([freqs, freqs], 1), [tokens, 1, 2 * invFreq.length]);
    const cos = tf.mul(tf.cos(emb), attentionScaling) as tf.Tensor3D;
    const sin = tf.mul(tf.sin(emb), attentionScaling) as tf.Tensor3D;
    return [applyReference(q, cos, sin, headDim), applyReference(k, cos, sin, headDim)];
  });
}
