import { loadModel, type CausalLM, type LoadModelOptions } from '@medgpt/models';
import { loadKbitModel, type KbitOptions } from '@medgpt/quant';
import type { ModelOptions } from './model-options.js';

/**
 * How --load_in_4bit / --load_in_8bit / --qlora quantise the base, as MedicalGPT's BitsAndBytesConfig:
 * 8-bit LLM.int8(); 4-bit FP4 (bitsandbytes' default), or NF4 + double quantisation with --qlora. The
 * weights are rounded to --torch_dtype first (the checkpoint's dtype for auto). Null: full precision.
 */
export function kbitOptions(options: ModelOptions): KbitOptions | null {
  if (options.load_in_8bit) return { bits: 8 };
  if (!options.load_in_4bit) return null;
  return options.qlora ? { bits: 4, quantType: 'nf4', doubleQuant: true } : { bits: 4, quantType: 'fp4' };
}

/**
 * Loads a model directory for a training stage: in full precision (rounded to --torch_dtype), or with its
 * decoder linear weights quantised as they load when a k-bit flag is set (a bitsandbytes checkpoint
 * keeps its own quantisation).
 */
export async function loadTrainingModel(
  dir: string,
  options: ModelOptions,
  load: Omit<LoadModelOptions, 'dtype' | 'weightReader'> = {},
): Promise<CausalLM> {
  const dtype = options.torch_dtype ?? 'auto';
  const kbit = kbitOptions(options);
  if (kbit === null) return loadModel(dir, { ...load, dtype });
  return (await loadKbitModel(dir, kbit, { ...load, dtype })).model;
}
