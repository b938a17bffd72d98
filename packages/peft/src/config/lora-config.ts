import { jsonPreview } from '@medgpt/json-preview';
import { PeftError } from '../peft-error.js';

/**
 * peft's task types this package implements: a causal LM, or a sequence classifier (a reward model:
 * the decoder with a `score` head). peft trains a SEQ_CLS model's head in full: it adds `classifier`
 * and `score` to modules_to_save (those the model has).
 */
export const TASK_TYPES = ['CAUSAL_LM', 'SEQ_CLS'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** The head modules peft trains in full for a SEQ_CLS task (PeftModelForSequenceClassification). */
export const SEQ_CLS_HEADS = ['classifier', 'score'] as const;

/** Which biases train with the adapter, as peft's `bias`: none, every bias, or those of LoRA layers. */
export const LORA_BIAS = ['none', 'all', 'lora_only'] as const;
export type LoraBias = (typeof LORA_BIAS)[number];

/**
 * How new adapter factors start, as peft's `init_lora_weights`: true = A kaiming-uniform (a = sqrt 5,
 * torch's nn.Linear default) and B = 0; 'gaussian' = A ~ N(0, 1/r) and B = 0; false = both random
 * (nn.Linear's default init), so the adapter changes the output from the start (tests, debugging).
 */
export type InitLoraWeights = boolean | 'gaussian';

/**
 * peft's LoraConfig, under its own names (the keys of adapter_config.json), for the fields this package
 * implements. `target_modules`: a list of module names (a module matches when its full name equals one or
 * ends with `.name`), a regular expression the full name must match entirely, or 'all-linear' (every
 * linear layer except lm_head). MedicalGPT's `all` is expanded to the list of linear leaf names when an
 * adapter is added (see resolveTargets), as its scripts do.
 */
export interface LoraConfig {
  peft_type: 'LORA';
  task_type: TaskType;
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[] | string;
  exclude_modules: string[] | string | null;
  bias: LoraBias;
  use_rslora: boolean;
  use_dora: boolean;
  init_lora_weights: InitLoraWeights;
  /** Modules trained in full and saved with the adapter (e.g. embed_tokens, lm_head after vocab extension). */
  modules_to_save: string[] | null;
  /** Only these decoder layers get LoRA (with a list target_modules). */
  layers_to_transform: number[] | null;
  layers_pattern: string[] | null;
  /** Per-module rank / alpha overrides: key = module name suffix (or regex), as peft matches them. */
  rank_pattern: Record<string, number>;
  alpha_pattern: Record<string, number>;
  base_model_name_or_path: string | null;
  revision: string | null;
  inference_mode: boolean;
  fan_in_fan_out: false;
}

/** What a caller sets; the rest takes peft's LoraConfig defaults (r 8, lora_alpha 8, no dropout). */
export type LoraConfigOptions = Partial<Omit<LoraConfig, 'peft_type' | 'fan_in_fan_out'>> & {
  target_modules: string[] | string;
};

/** A complete, validated LoraConfig from `options` and peft's defaults. `where` names the source in errors. */
export function createLoraConfig(options: LoraConfigOptions, where = 'LoraConfig'): LoraConfig {
  const config: LoraConfig = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: 8,
    lora_alpha: 8,
    lora_dropout: 0,
    exclude_modules: null,
    bias: 'none',
    use_rslora: false,
    use_dora: false,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    base_model_name_or_path: null,
    revision: null,
    inference_mode: false,
    fan_in_fan_out: false,
    ...options,
  };
  // Checked first: a modules_to_save that is not a list cannot take the heads.
  validateLoraConfig(config, where);
  if (config.task_type === 'SEQ_CLS') config.modules_to_save = withSeqClsHeads(config.modules_to_save);
  return config;
}

/** modules_to_save plus the classifier heads, as peft's SEQ_CLS wrapper extends it (no duplicates). */
function withSeqClsHeads(modules: string[] | null): string[] {
  return [...new Set([...(modules ?? []), ...SEQ_CLS_HEADS])];
}

function fail(where: string, field: string, problem: string): never {
  throw new PeftError(where, field, problem);
}

const isPositiveInt = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Throws a PeftError naming `where`, the field, its value and what is expected. */
export function validateLoraConfig(c: LoraConfig, where = 'LoraConfig'): void {
  if (!TASK_TYPES.includes(c.task_type)) {
    fail(where, 'task_type', `is ${jsonPreview(c.task_type)}; expected one of ${TASK_TYPES.join(', ')}`);
  }
  if (!isPositiveInt(c.r)) fail(where, 'r', `is ${jsonPreview(c.r)}; expected a positive integer`);
  if (!(typeof c.lora_alpha === 'number' && Number.isFinite(c.lora_alpha))) {
    fail(where, 'lora_alpha', `is ${jsonPreview(c.lora_alpha)}; expected a finite number`);
  }
  if (!(typeof c.lora_dropout === 'number' && c.lora_dropout >= 0 && c.lora_dropout < 1)) {
    fail(where, 'lora_dropout', `is ${jsonPreview(c.lora_dropout)}; expected a number in [0, 1)`);
  }
  const targets = c.target_modules;
  if (!(typeof targets === 'string' ? targets.length > 0 : isStringList(targets) && targets.length > 0)) {
    fail(
      where,
      'target_modules',
      `is ${jsonPreview(targets)}; expected a non-empty list of module names, a regular expression, 'all' or 'all-linear'`,
    );
  }
  if (typeof targets === 'string') checkRegex(where, 'target_modules', targets);
  if (
    c.exclude_modules !== null &&
    typeof c.exclude_modules !== 'string' &&
    !isStringList(c.exclude_modules)
  ) {
    fail(where, 'exclude_modules', `is ${jsonPreview(c.exclude_modules)}; expected null, a list or a regex`);
  }
  if (typeof c.exclude_modules === 'string') checkRegex(where, 'exclude_modules', c.exclude_modules);
  for (const key of ['base_model_name_or_path', 'revision'] as const) {
    if (c[key] !== null && typeof c[key] !== 'string') {
      fail(where, key, `is ${jsonPreview(c[key])}; expected null or a string`);
    }
  }
  if (!LORA_BIAS.includes(c.bias)) {
    fail(where, 'bias', `is ${jsonPreview(c.bias)}; expected one of ${LORA_BIAS.join(', ')}`);
  }
  for (const key of ['use_rslora', 'use_dora', 'inference_mode'] as const) {
    if (typeof c[key] !== 'boolean') fail(where, key, `is ${jsonPreview(c[key])}; expected true or false`);
  }
  if (!(typeof c.init_lora_weights === 'boolean' || c.init_lora_weights === 'gaussian')) {
    fail(
      where,
      'init_lora_weights',
      `is ${jsonPreview(c.init_lora_weights)}; expected true, false or "gaussian" (PiSSA, OLoRA, LoftQ, EVA... are not implemented)`,
    );
  }
  if (c.modules_to_save !== null && !isStringList(c.modules_to_save)) {
    fail(where, 'modules_to_save', `is ${jsonPreview(c.modules_to_save)}; expected null or a list of names`);
  }
  if (c.layers_to_transform !== null) {
    const l = c.layers_to_transform;
    if (!Array.isArray(l) || !l.every((i) => Number.isInteger(i) && i >= 0)) {
      fail(where, 'layers_to_transform', `is ${jsonPreview(l)}; expected null or a list of layer indices`);
    }
    if (typeof targets === 'string' && targets !== 'all' && targets !== 'all-linear') {
      fail(
        where,
        'layers_to_transform',
        'needs target_modules as a list of names (peft ignores it with a regex)',
      );
    }
  }
  if (c.layers_pattern !== null && !isStringList(c.layers_pattern)) {
    fail(where, 'layers_pattern', `is ${jsonPreview(c.layers_pattern)}; expected null or a list of names`);
  }
  // peft matches layers_pattern as a regular expression (`.*\.{pattern}\.(\d+)\.`).
  for (const [i, p] of (c.layers_pattern ?? []).entries()) checkRegex(where, `layers_pattern[${i}]`, p);
  for (const key of ['rank_pattern', 'alpha_pattern'] as const) {
    const p = c[key];
    if (typeof p !== 'object' || p === null || Array.isArray(p)) {
      fail(where, key, `is ${jsonPreview(p)}; expected an object of module pattern -> number`);
    }
    for (const [k, v] of Object.entries(p)) {
      checkRegex(where, `${key}.${k}`, k);
      const ok = key === 'rank_pattern' ? isPositiveInt(v) : typeof v === 'number' && Number.isFinite(v);
      if (!ok)
        fail(
          where,
          `${key}.${k}`,
          `is ${jsonPreview(v)}; expected a ${key === 'rank_pattern' ? 'positive integer' : 'number'}`,
        );
    }
  }
  if (c.fan_in_fan_out !== false) {
    fail(
      where,
      'fan_in_fan_out',
      'is true; expected false (Llama/Qwen/Mistral linears are stored [out, in])',
    );
  }
}

function checkRegex(where: string, field: string, pattern: string): void {
  try {
    // V8 compiles a pattern on its first use, and only then says "Regular expression too large".
    new RegExp(pattern).test('');
  } catch (e) {
    fail(
      where,
      field,
      // V8's message repeats the whole pattern before the reason; the preview above shows it.
      `${jsonPreview(pattern)} is not a valid regular expression: ${(e as Error).message.split('/: ').at(-1)}`,
    );
  }
}
