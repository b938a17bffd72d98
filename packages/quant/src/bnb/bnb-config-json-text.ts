import { quantizationConfigJson, type BnbQuantizationConfig } from './bnb-quantization-config.js';
import { pythonJsonDumps } from './python-json-dumps.js';

// Keys transformers types as float, written with their ".0" (6.0, 10000.0). llm_int8_threshold must be:
// BitsAndBytesConfig.post_init raises TypeError on an int. The others keep configs byte-identical.
const FLOAT_KEYS: ReadonlySet<string> = new Set([
  'llm_int8_threshold',
  'rope_theta',
  'rms_norm_eps',
  'initializer_range',
  'attention_dropout',
  'partial_rotary_factor',
  'factor',
  'low_freq_factor',
  'high_freq_factor',
  'attention_factor',
  'beta_fast',
  'beta_slow',
  'mscale',
  'mscale_all_dim',
]);

/**
 * config.json text for a bitsandbytes-quantised model: `rawConfig` (the model's config.json as parsed)
 * with `quantization_config` set to `config`, written as transformers writes it (`json.dumps(indent=2,
 * sort_keys=True)` plus a newline, float-typed keys with their `.0`).
 */
export function bnbConfigJsonText(rawConfig: Record<string, unknown>, config: BnbQuantizationConfig): string {
  const full = { ...rawConfig, quantization_config: quantizationConfigJson(config) };
  return `${pythonJsonDumps(full, { indent: 2, sortKeys: true, floatKeys: FLOAT_KEYS })}\n`;
}
