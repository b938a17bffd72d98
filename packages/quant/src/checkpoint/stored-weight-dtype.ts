import type { SafetensorsDtype } from '@medgpt/core-tensor';
import type { BnbDtype } from '../bnb/bnb-dtype.js';

/**
 * The bitsandbytes dtype of a weight stored as `dtype` in a checkpoint (what transformers loads it as with
 * torch_dtype auto, and what the quantised weight dequantises back to); undefined for non-float tensors.
 */
export const STORED_WEIGHT_DTYPE: Partial<Record<SafetensorsDtype, BnbDtype>> = {
  F32: 'float32',
  F64: 'float32',
  BF16: 'bfloat16',
  F16: 'float16',
};
