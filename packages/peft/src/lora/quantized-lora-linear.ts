import { LoraLinear, LoraLinearGrad, loraLinearAttrs, tf } from '@medgpt/core-tensor';
import type { QuantizedWeight } from '@medgpt/models';
import type { LoraLinearOptions } from './fused-lora-linear.js';

/**
 * LoRA over a quantised base weight (QLoRA) as core-tensor's fused LoraLinear: `y = x Wᵀ (+ b) + scale ·
 * dropout(x) Aᵀ Bᵀ` in one LoraLinear kernel and one LoraLinearGrad kernel, with W dequantised as a
 * matmul operand right before each of them and freed right after (never saved), as peft's bnb
 * Linear4bit computes it. The tape keeps x and x·Aᵀ [tokens, r] only: not the base product, the
 * low-rank product or its scaled copy ([tokens, out] each) that the composite of matMul/mul/add saves,
 * nor a dropout mask (regenerated from the Philox stream, the same mask as core-tensor's dropout).
 * Differentiable in x, A and B; a trainable bias is added outside so it gets its gradient too.
 */
export function quantizedLoraLinear(
  x: tf.Tensor2D,
  weight: QuantizedWeight,
  loraA: tf.Tensor2D,
  loraB: tf.Tensor2D,
  options: LoraLinearOptions,
): tf.Tensor2D {
  const inF = weight.shape[1];
  if (x.rank !== 2 || x.shape[1] !== inF)
    throw new Error(
      `quantizedLoraLinear: x must be [tokens, ${inF}] for a ${weight.format} weight [${weight.shape}], got [${x.shape}]`,
    );
  const rate = options.dropout?.rate ?? 0;
  if (!(rate >= 0 && rate < 1))
    throw new Error(`quantizedLoraLinear: dropout rate must be in [0, 1), got ${rate}`);
  const attrs = loraLinearAttrs(x, options);
  const bias = options.bias;
  const trainedBias = bias instanceof tf.Variable && bias.trainable;
  const operand = { matmulOperand: true };
  const f = (input: tf.Tensor, a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const w = weight.dequantize(operand);
    const inputs: tf.NamedTensorMap = { x: input, weight: w, loraA: a, loraB: b };
    if (bias !== undefined && !trainedBias) inputs.bias = bias;
    const [y, xa] = tf.engine().runKernel(LoraLinear, inputs, attrs) as tf.Tensor[];
    w.dispose();
    save([input, a, b, xa!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, as, bs, xas] = saved;
        const wb = weight.dequantize(operand);
        const grads = tf
          .engine()
          .runKernel(
            LoraLinearGrad,
            { dy, x: xs!, weight: wb, loraA: as!, loraB: bs!, xa: xas! },
            attrs,
          ) as tf.Tensor[];
        wb.dispose();
        return grads;
      },
    };
  };
  const op = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = op(x, loraA, loraB) as tf.Tensor2D;
  if (!trainedBias || bias === undefined) return y;
  const withBias = tf.add(y, bias) as tf.Tensor2D;
  y.dispose();
  return withBias;
}
