import type { tf } from '@medgpt/core-tensor';
import { doraLinear } from './dora-linear.js';
import { loraLinear, type LoraLinearOptions } from './fused-lora-linear.js';
import type { LoraModule } from './lora-adapter.js';

/** One adapted linear layer: the fused LoRA op, or DoRA when the module has a magnitude vector. */
export function loraForward(
  m: LoraModule,
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  dropout?: LoraLinearOptions['dropout'],
): tf.Tensor2D {
  if (m.magnitude) return doraLinear(m, x, weight, bias, dropout);
  return loraLinear(x, weight, m.loraA as tf.Tensor2D, m.loraB as tf.Tensor2D, {
    bias,
    scale: m.scale,
    dropout,
  });
}
