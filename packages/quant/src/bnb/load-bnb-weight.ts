import { tf } from '@medgpt/core-tensor';
import { dequantizeBnbWeight } from './bnb-weight.js';
import { readBnbWeight, type BnbTensorSource } from './read-bnb-weight.js';

/**
 * Reads bitsandbytes weight `name` of `file` (4-bit or 8-bit, transformers' layout) and returns it
 * dequantised as a float32 tensor of the weight's shape; the caller owns (and disposes) it.
 *
 * ```ts
 * await using f = await SafetensorsFile.open('model.safetensors');
 * const w = await loadBnbWeight(f, 'model.layers.0.self_attn.q_proj.weight');
 * ```
 */
export async function loadBnbWeight(file: BnbTensorSource, name: string): Promise<tf.Tensor> {
  const w = await readBnbWeight(file, name);
  return tf.tensor(dequantizeBnbWeight(w), w.weight.shape, 'float32');
}
