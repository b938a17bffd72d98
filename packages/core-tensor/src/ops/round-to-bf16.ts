import { tf } from '../tf.js';
import { RoundToBf16 } from '../kernel-names.js';

/**
 * `x` rounded to bfloat16 (nearest, ties to even), as a float32 tensor: what torch's
 * `x.to(torch.bfloat16)` holds. It is how a frozen weight is kept in bf16 (QLoRA's embeddings and
 * lm_head, as bitsandbytes keeps them): on cuda the result is stored as its 2-byte values only (half
 * the memory), which gathers and bf16 matmuls read directly; any other kernel reading it gets a float32
 * copy made once and kept with the tensor. On cpu and wasm it is an ordinary float32 tensor. Lossless
 * for values that are already bf16 (a bf16 checkpoint). Not differentiable (frozen weights only).
 */
export function roundToBf16<T extends tf.Tensor>(x: T): T {
  if (x.dtype !== 'float32')
    throw new TypeError(`roundToBf16: x must be float32, got ${x.dtype} [${x.shape}]`);
  return tf.engine().runKernel(RoundToBf16, { x }) as T;
}
