import { tf } from '@medgpt/core-tensor';

/**
 * A linear layer's base weight kept quantised (NF4 / FP4 / int8, made by @medgpt/quant) instead of as a
 * float32 tensor: the storage choice behind QLoRA. The forward dequantises it right before its matmul
 * and drops the result; backward dequantises again (see quantizedMatMul), so the float32 weight never
 * stays alive between the two. It is frozen: nothing trains it, adapters add on top.
 */
export interface QuantizedWeight {
  /** The format, for messages and reports: 'nf4', 'fp4', 'int8'. */
  readonly format: string;
  /** [out_features, in_features], torch's layout. */
  readonly shape: readonly [number, number];
  /** Bytes its tensors hold on the backend. */
  readonly byteSize: number;
  /**
   * The weight as float32 [out, in]: a new tensor for the caller to dispose. Not differentiable. With
   * `matmulOperand` (quantizedMatMul) the result only feeds matmuls, and a backend whose matmuls read
   * bf16 may store it as bf16 only (cuda in 'bf16' precision: half the transient, no float32 pass).
   */
  dequantize(options?: DequantizeOptions): tf.Tensor2D;
  /** Frees its tensors. */
  dispose(): void;
}

/** How a quantised weight is dequantised. */
export interface DequantizeOptions {
  /** The result only feeds matmuls (default false); see QuantizedWeight.dequantize. */
  matmulOperand?: boolean;
}

/** Whether a linear weight is quantised storage rather than a tensor. */
export function isQuantizedWeight(w: unknown): w is QuantizedWeight {
  return (
    typeof w === 'object' &&
    w !== null &&
    !(w instanceof tf.Tensor) &&
    typeof (w as QuantizedWeight).dequantize === 'function' &&
    Array.isArray((w as QuantizedWeight).shape)
  );
}
