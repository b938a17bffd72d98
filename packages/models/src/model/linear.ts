import { recordingGradients, tf } from '@medgpt/core-tensor';
import { quantizedMatMul } from './quantized-mat-mul.js';
import { isQuantizedWeight, type QuantizedWeight } from './quantized-weight.js';

/** A linear layer's base weight [out, in]: a float32 tensor, or quantised storage (QLoRA's base). */
export type LinearWeight = tf.Tensor2D | QuantizedWeight;

/**
 * Replaces a linear layer's computation, e.g. with LoRA's fused op. Called with the module's HF name
 * (`model.layers.0.self_attn.q_proj`), the input [tokens, in], the module's base weight [out, in] in
 * whatever storage it has (`linear` computes the plain layer for any of them) and its bias; returns
 * [tokens, out]. Storage and hook compose: a quantised base needs no hook, and an adapter in the hook
 * adds on top of any storage.
 */
export type LinearHook = ((
  module: string,
  x: tf.Tensor2D,
  weight: LinearWeight,
  bias: tf.Tensor1D | undefined,
) => tf.Tensor2D) & {
  /**
   * Whether the hook computes module `module` differently from `linear` (an adapter on it). Optional: a
   * hook without it is taken to change every module, so the model runs each through the hook (a mixture
   * of experts then loops over its experts instead of one grouped matmul per projection).
   */
  adapts?: (module: string) => boolean;
};

/**
 * torch.nn.Linear on 2-D activations: x W^T + b, with W in torch's [out, in] layout (no transpose copy),
 * or a quantised W dequantised for the product (quantizedMatMul).
 */
export function linear(x: tf.Tensor2D, weight: LinearWeight, bias?: tf.Tensor1D): tf.Tensor2D {
  // Outside a backward, the bias rides in the product (cuda: cuBLASLt's bias epilogue, no Add pass);
  // a recorded fused product would keep its output alive for the backward, so training composes.
  if (bias !== undefined && !isQuantizedWeight(weight) && !recordingGradients())
    return tf.fused.matMul({ a: x, b: weight, transposeB: true, bias }) as tf.Tensor2D;
  const y: tf.Tensor2D = isQuantizedWeight(weight)
    ? quantizedMatMul(x, weight)
    : tf.matMul(x, weight, false, true);
  return bias === undefined ? y : tf.add(y, bias);
}
