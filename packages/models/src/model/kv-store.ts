import type { tf } from '@medgpt/core-tensor';

/**
 * Where a decoder layer's new keys/values go while generating, and what its attention then reads.
 * `KvCache` is one (a concat per step); an engine with a preallocated cache per sequence slot is
 * another, which is why `CausalLM.stepWithStore` takes this interface and not the class.
 */
export interface KvStore {
  /**
   * Stores the keys/values of `layer`'s new tokens ([batch * T, width], token-major) and returns the
   * keys/values the attention reads, [batch * S, width]. `offset` is the step's query offset: the new
   * tokens are keys offset .. offset + T - 1 of each row. A tensor the store keeps must survive the
   * layer's tidy (tf.keep); temporaries may be left to it.
   */
  write(layer: number, k: tf.Tensor2D, v: tf.Tensor2D, offset: number): { k: tf.Tensor2D; v: tf.Tensor2D };
}
