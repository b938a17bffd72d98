import { dropout as dropoutOp, tf } from '@medgpt/core-tensor';
import { linear } from '@medgpt/models';
import { loraLinear, type LoraLinearOptions } from './fused-lora-linear.js';
import type { LoraModule } from './lora-adapter.js';
import { weightNorm } from './weight-norm.js';

/**
 * A DoRA linear layer, peft's formulation: with m the magnitude, n = ||W + s·BA|| per row (detached) and
 * h = dropout(x), y = x Wᵀ + b + (m/n − 1) ⊙ h Wᵀ + (m/n) ⊙ s · h Aᵀ Bᵀ. Without dropout that is
 * (m/n) ⊙ (x Wᵀ + s · x Aᵀ Bᵀ) + b. Built from the fused LoRA op plus stock ops (the DoRA rescale is not
 * fused into the kernel); with dropout it runs the base matmul twice, as peft does.
 */
export function doraLinear(
  m: LoraModule,
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  dropout: LoraLinearOptions['dropout'],
): tf.Tensor2D {
  return tf.tidy(() => {
    const a = m.loraA as tf.Tensor2D;
    const b = m.loraB as tf.Tensor2D;
    const factor = tf.div(m.magnitude!, weightNorm(weight, a, b, m.scale));
    if (dropout === undefined || dropout.rate === 0) {
      const y = tf.mul(loraLinear(x, weight, a, b, { scale: m.scale }), factor) as tf.Tensor2D;
      return bias === undefined ? y : (tf.add(y, bias) as tf.Tensor2D);
    }
    const h = dropoutOp(x, dropout.rate, dropout.rng) as tf.Tensor2D;
    const lowAndBase = loraLinear(h, weight, a, b, { scale: m.scale });
    return tf.add(linear(tf.sub(x, h), weight, bias), tf.mul(lowAndBase, factor)) as tf.Tensor2D;
  });
}
