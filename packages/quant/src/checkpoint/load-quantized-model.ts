import { loadModel, type CausalLM, type LoadModelOptions } from '@medgpt/models';
import type { BnbQuantizationConfig } from '../bnb/bnb-quantization-config.js';
import { bnbWeightReader } from './bnb-weight-reader.js';
import { readQuantizationConfig } from './read-quantization-config.js';

/** A model loaded by `loadQuantizedModel`, and how its checkpoint was quantised. */
export interface LoadedQuantizedModel {
  model: CausalLM;
  /** config.json's `quantization_config`, or null for a full-precision checkpoint. */
  quantization: BnbQuantizationConfig | null;
}

/**
 * Loads a model directory as a `CausalLM` whether or not it is quantised: a bitsandbytes checkpoint
 * (config.json with `quantization_config`, written by `quantizeCheckpoint` or by transformers'
 * `save_pretrained`) has its 4-bit / 8-bit weights dequantised to float32 as they load, one at a time;
 * any other loads as `loadModel` loads it. The model computes in float32 like every medgpt model (not in
 * `bnb_4bit_compute_dtype`), and its `rawConfig` drops `quantization_config`, so saving it writes a
 * plain, dequantised checkpoint (transformers' `model.dequantize()`).
 */
export async function loadQuantizedModel(
  dir: string,
  options: Omit<LoadModelOptions, 'weightReader'> = {},
): Promise<LoadedQuantizedModel> {
  const quantization = await readQuantizationConfig(dir);
  if (quantization === null) return { model: await loadModel(dir, options), quantization: null };
  const model = await loadModel(dir, {
    ...options,
    ignoreConfigKeys: [...(options.ignoreConfigKeys ?? []), 'quantization_config'],
    weightReader: bnbWeightReader(),
  });
  const { quantization_config: _dropped, ...rest } = model.rawConfig;
  model.rawConfig = rest;
  return { model, quantization };
}
