import { tf } from '@medgpt/core-tensor';
import type { QuantizedWeight } from './quantized-weight.js';

/**
 * x Wᵀ for a quantised W: x float32 [tokens, in] -> [tokens, out], differentiable in x. The weight is
 * dequantised inside the forward and again inside the backward (dx = dy W), never saved in between, as
 * bitsandbytes' 4-bit matmul does: the tape keeps nothing, so a quantised model's activations cost what
 * a dense one's do and its weights cost their packed size. Each dequantised W is a matmul operand only
 * (on cuda in 'bf16' precision it is written straight to bf16: no float32 W ever exists) and is freed
 * right after its product.
 */
export function quantizedMatMul(x: tf.Tensor2D, weight: QuantizedWeight): tf.Tensor2D {
  if (x.rank !== 2 || x.shape[1] !== weight.shape[1]) {
    throw new Error(
      `quantizedMatMul: x must be [tokens, ${weight.shape[1]}] for a ${weight.format} weight [${weight.shape}], got [${x.shape}]`,
    );
  }
  const operand = { matmulOperand: true };
  const f = (input: tf.Tensor, save: tf.GradSaveFunc) => {
    const w = weight.dequantize(operand);
    const value = tf.matMul(input as tf.Tensor2D, w, false, true);
    w.dispose();
    save([]);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const wb = weight.dequantize(operand);
        const dx = tf.matMul(dy as tf.Tensor2D, wb);
        wb.dispose();
        return dx;
      },
    };
  };
  const op = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor2D;
}
