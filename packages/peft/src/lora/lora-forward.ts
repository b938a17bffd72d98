import { tf } from '@medgpt/core-tensor';
import { isQuantizedWeight, type LinearWeight, type QuantizedWeight } from '@medgpt/models';
import { doraLinear } from './dora-linear.js';
import { loraLinear, type LoraLinearOptions } from './fused-lora-linear.js';
import { quantizedLoraLinear } from './quantized-lora-linear.js';
import type { LoraModule } from './lora-adapter.js';

/**
 * One adapted linear layer: the fused LoRA op, or DoRA when the module has a magnitude vector. Over a
 * quantised base (QLoRA) the base product and the low-rank path run apart (quantisedLora).
 */
export function loraForward(
  m: LoraModule,
  x: tf.Tensor2D,
  weight: LinearWeight,
  bias: tf.Tensor1D | undefined,
  dropout?: LoraLinearOptions['dropout'],
): tf.Tensor2D {
  if (isQuantizedWeight(weight)) return quantisedLora(m, x, weight, bias, dropout);
  if (m.magnitude) return doraLinear(m, x, weight, bias, dropout);
  return loraLinear(x, weight, m.loraA as tf.Tensor2D, m.loraB as tf.Tensor2D, {
    bias,
    scale: m.scale,
    dropout,
  });
}

/**
 * LoRA over a quantised base weight, as peft's bnb Linear4bit / Linear8bitLt layers compute it: the base
 * layer (dequantised per product, never kept) plus scale · dropout(x) Aᵀ Bᵀ, as one fused op
 * (quantizedLoraLinear). DoRA needs the weight's row norms, so it runs on a dequantised copy that the
 * tape keeps until backward (more memory than LoRA).
 */
function quantisedLora(
  m: LoraModule,
  x: tf.Tensor2D,
  weight: QuantizedWeight,
  bias: tf.Tensor1D | undefined,
  dropout: LoraLinearOptions['dropout'],
): tf.Tensor2D {
  if (m.magnitude) return tf.tidy(() => doraLinear(m, x, weight.dequantize(), bias, dropout));
  return quantizedLoraLinear(x, weight, m.loraA as tf.Tensor2D, m.loraB as tf.Tensor2D, {
    bias,
    scale: m.scale,
    dropout,
  });
}
