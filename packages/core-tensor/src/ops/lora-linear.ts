import { tf } from '../tf.js';
import { LoraLinear, type LoraLinearAttrs } from '../kernel-names.js';
import { dropout } from '../random/dropout.js';
import type { Generator } from '../random/generator.js';

export interface LoraLinearOptions {
  /** The base layer's bias [out]. */
  bias?: tf.Tensor1D;
  /** Multiplier of the low-rank path: lora_alpha / r, or lora_alpha / sqrt(r) for rsLoRA. */
  scale: number;
  /**
   * LoRA dropout on the low-rank path's input only (the base path sees x), as peft; the mask is drawn
   * from `rng`. Omit (or rate 0) for evaluation.
   */
  dropout?: { rate: number; rng: Generator };
}

function checkArgs(
  x: tf.Tensor,
  weight: tf.Tensor,
  loraA: tf.Tensor,
  loraB: tf.Tensor,
  options: LoraLinearOptions,
): void {
  const named: [string, tf.Tensor | undefined][] = [
    ['x', x],
    ['weight', weight],
    ['loraA', loraA],
    ['loraB', loraB],
    ['bias', options.bias],
  ];
  for (const [name, t] of named) {
    if (t !== undefined && t.dtype !== 'float32')
      throw new Error(`loraLinear: ${name} must be float32, got ${t.dtype}`);
  }
  if (x.rank !== 2) throw new Error(`loraLinear: x must be 2-D [tokens, in], got shape [${x.shape}]`);
  const inF = x.shape[1]!;
  if (weight.rank !== 2 || weight.shape[1] !== inF) {
    throw new Error(`loraLinear: weight must be [out, ${inF}] (torch layout), got [${weight.shape}]`);
  }
  const outF = weight.shape[0]!;
  if (loraA.rank !== 2 || loraA.shape[1] !== inF || loraA.shape[0] === 0) {
    throw new Error(`loraLinear: loraA must be [r, ${inF}] with r > 0, got [${loraA.shape}]`);
  }
  const r = loraA.shape[0]!;
  if (loraB.rank !== 2 || loraB.shape[0] !== outF || loraB.shape[1] !== r) {
    throw new Error(`loraLinear: loraB must be [${outF}, ${r}], got [${loraB.shape}]`);
  }
  if (options.bias !== undefined && (options.bias.rank !== 1 || options.bias.shape[0] !== outF)) {
    throw new Error(`loraLinear: bias must be [${outF}], got [${options.bias.shape}]`);
  }
  if (!Number.isFinite(options.scale))
    throw new Error(`loraLinear: scale must be finite, got ${options.scale}`);
  const rate = options.dropout?.rate ?? 0;
  if (!(rate >= 0 && rate < 1)) {
    throw new Error(`loraLinear: dropout rate must be in [0, 1), got ${rate}`);
  }
}

/**
 * LoraLinear's attrs for input `x`: the scale and, with dropout, the Philox stream position of its mask,
 * reserved from the generator (x.size words: the same reservation `dropout` makes, so the reference sees
 * the same mask from the same state). Shared with peft's quantizedLoraLinear.
 */
export function loraLinearAttrs(
  x: tf.Tensor,
  options: Pick<LoraLinearOptions, 'scale' | 'dropout'>,
): LoraLinearAttrs {
  const rate = options.dropout?.rate ?? 0;
  let [key0, key1, offset] = [0, 0, 0];
  if (rate > 0) {
    const rng = options.dropout!.rng;
    [key0, key1] = rng.key;
    offset = rng.reserve(x.size);
  }
  return { scale: options.scale, dropoutRate: rate, key0, key1, offset };
}

/**
 * A LoRA linear layer as ONE kernel with ONE backward kernel:
 * `y = x Wᵀ (+ b) + scale · dropout(x) Aᵀ Bᵀ`, with W [out, in], A [r, in], B [out, r] (peft's
 * lora_A / lora_B weights) and x [tokens, in]. Differentiable in x, A and B (and in W and b when they
 * are trained); the backward saves x and x·Aᵀ [tokens, r] only, instead of the three [tokens, out]
 * intermediates the composite keeps, and regenerates the dropout mask.
 */
export function loraLinear(
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  loraA: tf.Tensor2D,
  loraB: tf.Tensor2D,
  options: LoraLinearOptions,
): tf.Tensor2D {
  checkArgs(x, weight, loraA, loraB, options);
  const attrs = loraLinearAttrs(x, options);
  const inputs: tf.NamedTensorMap = { x, weight, loraA, loraB };
  // Absent inputs must be left out of the map: the tape walks every key of it.
  if (options.bias !== undefined) inputs.bias = options.bias;
  const [y, xa] = tf.engine().runKernel(LoraLinear, inputs, attrs) as tf.Tensor[];
  // xa lives on in the tape's saved copy when recording; the caller never sees it.
  xa!.dispose();
  return y as tf.Tensor2D;
}

/** The same function from stock tfjs ops and core-tensor's dropout (same mask for the same rng state). */
export function loraLinearReference(
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  loraA: tf.Tensor2D,
  loraB: tf.Tensor2D,
  options: LoraLinearOptions,
): tf.Tensor2D {
  checkArgs(x, weight, loraA, loraB, options);
  return tf.tidy(() => {
    const h = options.dropout ? (dropout(x, options.dropout.rate, options.dropout.rng) as tf.Tensor2D) : x;
    const base = tf.matMul(x, weight, false, true);
    const low = tf.mul(tf.matMul(tf.matMul(h, loraA, false, true), loraB, false, true), options.scale);
    const y = tf.add(base, low) as tf.Tensor2D;
    return options.bias === undefined ? y : (tf.add(y, options.bias) as tf.Tensor2D);
  });
}
