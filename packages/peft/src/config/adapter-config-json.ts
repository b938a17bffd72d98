import { jsonPreview } from '@medgpt/json-preview';
import { PeftError } from '../peft-error.js';
import {
  createLoraConfig,
  TASK_TYPES,
  type LoraConfig,
  type LoraConfigOptions,
  type TaskType,
} from './lora-config.js';

// Keys of adapter_config.json this package reads into LoraConfig.
const READ_KEYS = [
  'r',
  'lora_alpha',
  'lora_dropout',
  'target_modules',
  'exclude_modules',
  'bias',
  'use_rslora',
  'use_dora',
  'init_lora_weights',
  'modules_to_save',
  'layers_to_transform',
  'layers_pattern',
  'rank_pattern',
  'alpha_pattern',
  'base_model_name_or_path',
  'revision',
  'inference_mode',
  'fan_in_fan_out',
  'task_type',
] as const;

// Keys that say nothing about the math (bookkeeping, or settings of features peft only uses at creation).
const INERT_KEYS = new Set(['peft_type', 'peft_version', 'auto_mapping', 'megatron_core', 'runtime_config']);

// Defaults of peft settings we do not implement that are not null/false/empty.
const INERT_DEFAULTS: Record<string, unknown> = { qalora_group_size: 16, ensure_weight_tying: false };

// Initialisations that leave a saved adapter an ordinary LoRA adapter; PiSSA/OLoRA/CorDA/LoftQ/LoRA-GA/MiCA
// rewrite the base weights or the layer, so their adapters do not apply to the original base.
const PLAIN_INITS = [true, false, 'gaussian', 'eva', 'orthogonal'];

function isUnset(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
  );
}

/**
 * The LoraConfig of an adapter_config.json written by peft (any version that writes these keys) or by us.
 * Settings that change the adapter's math and that this package does not implement are refused by name
 * (lora_bias, target_parameters, trainable_token_indices, layer_replication, aLoRA, QALoRA, ...), as are
 * non-LoRA adapters, non-causal-LM tasks and initialisations that rewrite the base weights.
 */
export function parseAdapterConfig(json: unknown, file: string): LoraConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PeftError(file, undefined, 'expected a JSON object (peft adapter_config.json)');
  }
  const raw = json as Record<string, unknown>;
  if (raw.peft_type !== 'LORA') {
    throw new PeftError(
      file,
      'peft_type',
      `is ${jsonPreview(raw.peft_type)}; expected "LORA" (only LoRA adapters are supported)`,
    );
  }
  if (
    raw.task_type !== undefined &&
    raw.task_type !== null &&
    !TASK_TYPES.includes(raw.task_type as TaskType)
  ) {
    throw new PeftError(
      file,
      'task_type',
      `is ${jsonPreview(raw.task_type)}; expected one of ${TASK_TYPES.map((t) => `"${t}"`).join(', ')}`,
    );
  }
  if (raw.init_lora_weights !== undefined && !PLAIN_INITS.includes(raw.init_lora_weights as string)) {
    throw new PeftError(
      file,
      'init_lora_weights',
      `is ${jsonPreview(raw.init_lora_weights)}: that initialisation rewrites the base model's weights, so the adapter does not apply to the original base; convert it to plain LoRA in peft (save_pretrained(path_initial_model_for_weight_conversion=...)) first`,
    );
  }
  if (!isUnset(raw.target_parameters)) {
    throw new PeftError(
      file,
      'target_parameters',
      `is ${jsonPreview(raw.target_parameters)}: LoRA on parameters (peft's ParamWrapper, e.g. transformers 5's fused MoE experts) is not implemented; @medgpt/models holds experts per expert, so adapt them as modules by name (target_modules w1, w2, w3 for Mixtral; gate_proj, up_proj, down_proj for Qwen3-MoE), the per-expert layout peft converts for transformers 5`,
    );
  }
  for (const [key, value] of Object.entries(raw)) {
    if ((READ_KEYS as readonly string[]).includes(key) || INERT_KEYS.has(key)) continue;
    if (isUnset(value) || (Object.hasOwn(INERT_DEFAULTS, key) && INERT_DEFAULTS[key] === value)) continue;
    throw new PeftError(
      file,
      key,
      `is ${jsonPreview(value)}; @medgpt/peft does not implement this setting (it changes what the adapter computes); expected it unset (null/false/empty)`,
    );
  }
  const options: Record<string, unknown> = {};
  for (const key of READ_KEYS) if (raw[key] !== undefined && raw[key] !== null) options[key] = raw[key];
  // Python writes eva/orthogonal-initialised adapters as plain LoRA weights; record them as such.
  if (options.init_lora_weights === 'eva' || options.init_lora_weights === 'orthogonal')
    options.init_lora_weights = true;
  // peft writes unset pattern fields as null in some versions.
  for (const key of ['rank_pattern', 'alpha_pattern'] as const) if (options[key] === null) options[key] = {};
  if (typeof options.layers_pattern === 'string') options.layers_pattern = [options.layers_pattern];
  if (typeof options.layers_to_transform === 'number')
    options.layers_to_transform = [options.layers_to_transform];
  if (options.target_modules === undefined || options.target_modules === null) {
    throw new PeftError(file, 'target_modules', 'is missing; expected the list of adapted module names');
  }
  return createLoraConfig(options as LoraConfigOptions, file);
}

/**
 * adapter_config.json as peft's save_pretrained writes it: every LoraConfig field Python peft knows,
 * keys sorted, two-space indent. Lists come sorted (peft keeps them as sets).
 */
export function adapterConfigJson(c: LoraConfig): string {
  const sortList = (v: string[] | string | null) => (Array.isArray(v) ? [...v].sort() : v);
  const out: Record<string, unknown> = {
    alpha_pattern: c.alpha_pattern,
    auto_mapping: null,
    base_model_name_or_path: c.base_model_name_or_path,
    bias: c.bias,
    exclude_modules: sortList(c.exclude_modules),
    fan_in_fan_out: false,
    inference_mode: c.inference_mode,
    init_lora_weights: c.init_lora_weights,
    layer_replication: null,
    layers_pattern: c.layers_pattern,
    layers_to_transform: c.layers_to_transform,
    loftq_config: {},
    lora_alpha: c.lora_alpha,
    lora_bias: false,
    lora_dropout: c.lora_dropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: c.modules_to_save,
    peft_type: 'LORA',
    r: c.r,
    rank_pattern: c.rank_pattern,
    revision: c.revision,
    target_modules: sortList(c.target_modules),
    task_type: c.task_type,
    trainable_token_indices: null,
    use_dora: c.use_dora,
    use_rslora: c.use_rslora,
  };
  return `${JSON.stringify(out, null, 2)}`;
}
