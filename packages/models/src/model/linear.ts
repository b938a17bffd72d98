import { tf } from '@medgpt/core-tensor';

/**
 * Replaces a linear layer's computation, e.g. with LoRA's fused op. Called with the module's HF name
 * (`model.layers.0.self_attn.q_proj`), the input [tokens, in] and the module's weight [out, in] and
 * bias; returns [tokens, out].
 */
export type LinearHook = (
  module: string,
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
) => tf.Tensor2D;

/** torch.nn.Linear on 2-D activations: x W^T + b, with W in torch's [out, in] layout (no transpose copy). */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  const y: tf.Tensor2D = tf.matMul(x, weight, false, true);
  return bias === undefined ? y : tf.add(y, bias);
}
