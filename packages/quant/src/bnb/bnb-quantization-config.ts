import { jsonPreview } from '@medgpt/json-preview';
import { isBnbDtype, type BnbDtype } from './bnb-dtype.js';
import { BnbError } from './bnb-error.js';
import { FOUR_BIT_QUANT_TYPES, type FourBitQuantType } from './quantize-4bit.js';

/**
 * transformers' `BitsAndBytesConfig`, with its field names (the keys of `quantization_config` in
 * config.json). Defaults are transformers': note `bnb_4bit_quant_type` defaults to "fp4" there, while
 * MedicalGPT's QLoRA passes "nf4" with double quantisation and a bf16/fp16 compute dtype.
 */
export interface BnbQuantizationConfig {
  load_in_4bit: boolean;
  load_in_8bit: boolean;
  /** LLM.int8() outlier threshold for activations at matmul time (default 6.0). */
  llm_int8_threshold: number;
  /** Modules kept unquantised (e.g. ["lm_head"]); null: transformers' own choice. */
  llm_int8_skip_modules: string[] | null;
  llm_int8_enable_fp32_cpu_offload: boolean;
  llm_int8_has_fp16_weight: boolean;
  /** Default "fp4" (transformers). */
  bnb_4bit_quant_type: FourBitQuantType;
  bnb_4bit_use_double_quant: boolean;
  /** The dtype Linear4bit computes in (default "float32"). */
  bnb_4bit_compute_dtype: BnbDtype;
  /** Only "uint8" (the default) is supported here. */
  bnb_4bit_quant_storage: 'uint8';
}

const DEFAULTS: BnbQuantizationConfig = {
  load_in_4bit: false,
  load_in_8bit: false,
  llm_int8_threshold: 6.0,
  llm_int8_skip_modules: null,
  llm_int8_enable_fp32_cpu_offload: false,
  llm_int8_has_fp16_weight: false,
  bnb_4bit_quant_type: 'fp4',
  bnb_4bit_use_double_quant: false,
  bnb_4bit_compute_dtype: 'float32',
  bnb_4bit_quant_storage: 'uint8',
};

/** A `BitsAndBytesConfig` from the fields given and transformers' defaults for the rest, checked. */
export function bnbQuantizationConfig(fields: Partial<BnbQuantizationConfig>): BnbQuantizationConfig {
  return parseBnbQuantizationConfig({ quant_method: 'bitsandbytes', ...fields }, 'bnbQuantizationConfig');
}

/**
 * The `quantization_config` object transformers writes into config.json (`BitsAndBytesConfig.to_dict`):
 * every field, plus `quant_method: "bitsandbytes"` and the private `_load_in_4bit` / `_load_in_8bit`.
 * config.json sorts the keys; `bnbConfigJsonText` writes it so.
 */
export function quantizationConfigJson(config: BnbQuantizationConfig): Record<string, unknown> {
  return {
    quant_method: 'bitsandbytes',
    _load_in_8bit: config.load_in_8bit,
    _load_in_4bit: config.load_in_4bit,
    llm_int8_threshold: config.llm_int8_threshold,
    llm_int8_skip_modules:
      config.llm_int8_skip_modules === null ? null : config.llm_int8_skip_modules.slice(),
    llm_int8_enable_fp32_cpu_offload: config.llm_int8_enable_fp32_cpu_offload,
    llm_int8_has_fp16_weight: config.llm_int8_has_fp16_weight,
    bnb_4bit_quant_type: config.bnb_4bit_quant_type,
    bnb_4bit_use_double_quant: config.bnb_4bit_use_double_quant,
    bnb_4bit_compute_dtype: config.bnb_4bit_compute_dtype,
    bnb_4bit_quant_storage: config.bnb_4bit_quant_storage,
    load_in_4bit: config.load_in_4bit,
    load_in_8bit: config.load_in_8bit,
  };
}

/**
 * Reads config.json's `quantization_config` (as parsed JSON) as a `BitsAndBytesConfig` the way
 * transformers does: missing fields take its defaults, `load_in_4bit` / `_load_in_4bit` are the same
 * field. Errors name `file`, the key, the value found and what is expected.
 */
export function parseBnbQuantizationConfig(raw: unknown, file: string): BnbQuantizationConfig {
  const where = 'quantization_config';
  const fail = (key: string | undefined, problem: string): never => {
    throw new BnbError(file, key === undefined ? where : `${where}.${key}`, problem, { subject: 'key' });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(undefined, `is ${jsonPreview(raw)}; expected an object with "quant_method": "bitsandbytes"`);
  }
  const o = raw as Record<string, unknown>;
  if (o.quant_method !== 'bitsandbytes') {
    return fail('quant_method', `is ${jsonPreview(o.quant_method)}; expected "bitsandbytes"`);
  }
  const pick = <T>(key: string, ok: (v: unknown) => boolean, expected: string, aliases: string[] = []): T => {
    const present = [key, ...aliases].find((k) => k in o && o[k] !== undefined);
    if (present === undefined) return DEFAULTS[key as keyof BnbQuantizationConfig] as T;
    if (!ok(o[present])) fail(present, `is ${jsonPreview(o[present])}; expected ${expected}`);
    return o[present] as T;
  };
  const bool = (v: unknown) => typeof v === 'boolean';
  const config: BnbQuantizationConfig = {
    load_in_4bit: pick('load_in_4bit', bool, 'true or false', ['_load_in_4bit']),
    load_in_8bit: pick('load_in_8bit', bool, 'true or false', ['_load_in_8bit']),
    llm_int8_threshold: pick(
      'llm_int8_threshold',
      (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
      'a float >= 0 (transformers default 6.0)',
    ),
    llm_int8_skip_modules: pick(
      'llm_int8_skip_modules',
      (v) => v === null || (Array.isArray(v) && v.every((m) => typeof m === 'string')),
      'null or a list of module names',
    ),
    llm_int8_enable_fp32_cpu_offload: pick('llm_int8_enable_fp32_cpu_offload', bool, 'true or false'),
    llm_int8_has_fp16_weight: pick('llm_int8_has_fp16_weight', bool, 'true or false'),
    bnb_4bit_quant_type: pick(
      'bnb_4bit_quant_type',
      (v) => (FOUR_BIT_QUANT_TYPES as readonly unknown[]).includes(v),
      '"nf4" or "fp4"',
    ),
    bnb_4bit_use_double_quant: pick('bnb_4bit_use_double_quant', bool, 'true or false'),
    bnb_4bit_compute_dtype: pick(
      'bnb_4bit_compute_dtype',
      (v) => isBnbDtype(v),
      '"float32", "bfloat16" or "float16"',
    ),
    bnb_4bit_quant_storage: pick(
      'bnb_4bit_quant_storage',
      (v) => v === 'uint8',
      '"uint8" (the packed 4-bit codes as bytes; other storage dtypes are not supported)',
    ),
  };
  if (config.load_in_4bit && config.load_in_8bit) {
    fail(undefined, 'sets both load_in_4bit and load_in_8bit; transformers allows only one');
  }
  if (!config.load_in_4bit && !config.load_in_8bit) {
    fail(
      undefined,
      'sets neither load_in_4bit nor load_in_8bit; a bitsandbytes checkpoint has one of them true',
    );
  }
  if (config.llm_int8_skip_modules !== null)
    config.llm_int8_skip_modules = config.llm_int8_skip_modules.slice();
  return config;
}
