import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTextAtomic, writeSafetensors, type SafetensorsDtype } from '@medgpt/core-tensor';
import { adapterConfigJson } from '../config/adapter-config-json.js';
import type { LoraAdapter } from '../lora/lora-adapter.js';
import { peftTensorNames } from './peft-tensor-names.js';

/** peft's file names. */
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

export interface SaveAdapterOptions {
  /** Storage dtype of the tensors (default F32, what MedicalGPT's fp32 trainable parameters save as). */
  dtype?: Extract<SafetensorsDtype, 'F32' | 'BF16' | 'F16'>;
  /** Written as base_model_name_or_path (default: the adapter config's). */
  baseModelNameOrPath?: string | null;
}

/**
 * Saves `adapter` as peft's save_pretrained does: `adapter_config.json` and `adapter_model.safetensors`
 * (metadata {"format": "pt"}), which `PeftModel.from_pretrained(base, dir)` loads. Both written atomically.
 */
export async function saveAdapter(
  adapter: LoraAdapter,
  dir: string,
  options: SaveAdapterOptions = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const weights = join(dir, ADAPTER_WEIGHTS_FILE);
  await writeSafetensors(weights, peftTensorNames(adapter), {
    dtype: options.dtype ?? 'F32',
    metadata: { format: 'pt' },
  });
  const config = {
    ...adapter.config,
    base_model_name_or_path: options.baseModelNameOrPath ?? adapter.config.base_model_name_or_path,
  };
  const configFile = join(dir, ADAPTER_CONFIG_FILE);
  await writeTextAtomic(configFile, adapterConfigJson(config));
  return [configFile, weights];
}
