import { configJsonText } from '@medgpt/models';
import { quantizationConfigJson, type BnbQuantizationConfig } from './bnb-quantization-config.js';

/**
 * config.json text for a bitsandbytes-quantised model: `rawConfig` (the model's config.json as parsed)
 * with `quantization_config` set to `config`, written as transformers writes it (`json.dumps(indent=2,
 * sort_keys=True)` plus a newline, float-typed keys such as llm_int8_threshold with their `.0`).
 */
export function bnbConfigJsonText(rawConfig: Record<string, unknown>, config: BnbQuantizationConfig): string {
  return configJsonText({ ...rawConfig, quantization_config: quantizationConfigJson(config) });
}
