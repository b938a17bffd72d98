import type { tf } from '@medgpt/core-tensor';
import { BnbError } from './bnb-error.js';
import { quantizeBnbWeight, type BnbWeight, type QuantizeBnbOptions } from './bnb-weight.js';

/**
 * `quantizeBnbWeight` for a float32 tfjs tensor (read from the backend; the tensor is left as it is and
 * no tensor is created).
 */
export async function quantizeBnbTensor(tensor: tf.Tensor, options: QuantizeBnbOptions): Promise<BnbWeight> {
  if (tensor.dtype !== 'float32') {
    throw new BnbError(
      'quantizeBnbTensor',
      options.name,
      `tensor dtype is ${tensor.dtype}; bitsandbytes quantises float weights (float32 here)`,
    );
  }
  const values = (await tensor.data()) as Float32Array;
  return quantizeBnbWeight(values, tensor.shape, options);
}
